using System.Collections.Concurrent;
using System.Threading.Channels;
using Backupd.Bundles.IO;

namespace Backupd.Bundles;

/// <summary>
/// A write-only stream that gathers writes into chunks and hands each full chunk to a consumer
/// task, which writes it on to <c>destination</c>. The producer (walking the tree, reading and
/// hashing files, framing the tar) and the consumer (feeding zstd, hashing and writing its output)
/// then run side by side instead of taking turns on one thread: on a two-core node, taking turns
/// left a core idle for a third of the bundle stage while zstd's workers waited for input.
/// </summary>
/// <remarks>
/// At most <c>depth</c> full chunks wait, so memory stays bounded and a slow consumer slows the
/// producer. A consumer failure surfaces on the producer's next write or on
/// <see cref="CompleteAsync"/>. <see cref="Flush()"/> does nothing: only
/// <see cref="CompleteAsync"/> guarantees that everything reached the destination.
/// Writes must not overlap (one producer).
/// </remarks>
internal sealed class ChunkPipe : WriteOnlyStream
{
    private readonly int _chunkSize;
    private readonly Channel<(byte[] Buffer, int Length)> _full;
    private readonly ConcurrentBag<byte[]> _spare = [];
    private readonly CancellationTokenSource _abandon = new();
    private readonly Task _consumer;
    private byte[] _current;
    private int _filled;
    private bool _completed;
    private bool _disposed;

    public ChunkPipe(Stream destination, int chunkSize, int depth)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        _chunkSize = chunkSize;
        _current = new byte[chunkSize];
        _full = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(depth)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _consumer = Task.Run(() => ConsumeAsync(destination));
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Fill(buffer)..];
            if (_filled == _chunkSize)
            {
                HandOverAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Fill(buffer.Span)..];
            if (_filled == _chunkSize)
            {
                await HandOverAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Hands over the last, partial chunk and waits until the consumer has written everything.</summary>
    /// <exception cref="Exception">Whatever the destination threw.</exception>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_filled > 0)
        {
            await HandOverAsync(cancellationToken).ConfigureAwait(false);
        }

        _completed = true;
        _full.Writer.TryComplete();
        await _consumer.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Without a prior <see cref="CompleteAsync"/>, drops what has not been written yet and stops the consumer.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _completed = true;
        _full.Writer.TryComplete();
        await _abandon.CancelAsync().ConfigureAwait(false);
        try
        {
            await _consumer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            _abandon.Dispose();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private int Fill(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var taken = Math.Min(buffer.Length, _chunkSize - _filled);
        buffer[..taken].CopyTo(_current.AsSpan(_filled));
        _filled += taken;
        return taken;
    }

    private async ValueTask HandOverAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _full.Writer.WriteAsync((_current, _filled), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The consumer failed and closed the pipe: its own exception is the one worth reporting.
            await _consumer.ConfigureAwait(false);
            throw;
        }

        _current = _spare.TryTake(out var spare) ? spare : new byte[_chunkSize];
        _filled = 0;
    }

    private async Task ConsumeAsync(Stream destination)
    {
        try
        {
            await foreach (var (buffer, length) in _full.Reader.ReadAllAsync(_abandon.Token).ConfigureAwait(false))
            {
                await destination.WriteAsync(buffer.AsMemory(0, length), _abandon.Token).ConfigureAwait(false);
                _spare.Add(buffer);
            }
        }
        catch (Exception e)
        {
            _full.Writer.TryComplete(e);
            throw;
        }
    }
}
