using Microsoft.Win32.SafeHandles;

namespace Backupd.Modules.WordPress.Verification;

/// <summary>
/// A bundle being downloaded, read while it arrives: a reader gets the bytes the download has
/// written (told through <see cref="Arrived"/>) and waits for more, so the check of every member
/// runs on the other core beside the download instead of after it. The download writes its file
/// in order and never rewrites what it wrote (a broken transfer goes on from where it stopped),
/// so what a reader was given stays true.
/// </summary>
/// <remarks>
/// Written here because .NET has no stream that follows a growing file; System.IO.Pipelines would
/// need every byte handed to it a second time, and the file is there already.
/// </remarks>
/// <param name="path">The file the download writes.</param>
/// <param name="beforeReadingWhole">
/// Awaited once, with the bytes left to read and the read's token, before the first read that
/// finds the download complete with bytes still to read: from there the reader goes at the disk's
/// pace, no longer the download's.
/// </param>
internal sealed class ArrivingBundle(string path, Func<long, CancellationToken, ValueTask>? beforeReadingWhole = null) : Backupd.Bundles.IO.ReadOnlyStream
{
    private readonly Lock _gate = new();
    private SafeFileHandle? _file;
    private long _arrived;
    private bool _complete;
    private bool _abandoned;
    private bool _readingWhole;
    private TaskCompletionSource _more = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The download has written <paramref name="bytes"/> bytes so far.</summary>
    public void Arrived(long bytes) => Signal(() => _arrived = Math.Max(_arrived, bytes));

    /// <summary>The download has ended with <paramref name="bytes"/> bytes: a reader that reaches them is at the end.</summary>
    public void Complete(long bytes) => Signal(() => (_arrived, _complete) = (bytes, true));

    /// <summary>The download failed or the bundle was refused: a reader waiting for more stops.</summary>
    public void Abandon() => Signal(() => _abandoned = true);

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            var take = Available(buffer.Length, out var waitFor, out var left);
            if (left > 0)
            {
                // A synchronous reader blocks its thread here, as it does waiting for the download.
                beforeReadingWhole!(left, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }

            if (waitFor is null)
            {
                return ReadFile(buffer[..take]);
            }

            waitFor.Wait();
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var take = Available(buffer.Length, out var waitFor, out var left);
            if (left > 0)
            {
                await beforeReadingWhole!(left, cancellationToken).ConfigureAwait(false);
            }

            if (waitFor is null)
            {
                return ReadFile(buffer.Span[..take]);
            }

            await waitFor.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file?.Dispose();
        }

        base.Dispose(disposing);
    }

    // How many bytes a read may take now, with no task to wait for; none and a task when it must
    // wait; none and no task at the end. wholeLeft: when this read is the first to find the
    // download complete with bytes left, how many (beforeReadingWhole is awaited first); else 0.
    private int Available(int wanted, out Task? waitFor, out long wholeLeft)
    {
        lock (_gate)
        {
            if (_abandoned)
            {
                throw new OperationCanceledException("The download of the bundle ended before it was whole.");
            }

            var ready = _arrived - Position;
            waitFor = ready > 0 || _complete ? null : _more.Task;
            var nowWhole = beforeReadingWhole is not null && _complete && ready > 0 && !_readingWhole;
            _readingWhole |= nowWhole;
            wholeLeft = nowWhole ? ready : 0;
            return (int)Math.Min(wanted, ready);
        }
    }

    private int ReadFile(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        // Opened at the first read: the download makes the file when it starts writing.
        _file ??= File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        var read = RandomAccess.Read(_file, buffer, Position);
        if (read == 0)
        {
            throw new IOException($"{path} is shorter than the {Position + buffer.Length} bytes the download said it wrote.");
        }

        return Advance(read);
    }

    private void Signal(Action change)
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            change();
            woken = _more;
            _more = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.TrySetResult();
    }
}
