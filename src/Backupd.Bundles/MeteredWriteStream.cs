using System.Security.Cryptography;
using Backupd.Bundles.IO;

namespace Backupd.Bundles;

/// <summary>
/// Passes writes through to another stream, counting them, optionally hashing them with SHA-256
/// and reporting the running count (for a stage's progress).
/// </summary>
/// <remarks>Never disposes the inner stream: whoever opened it decides when it closes.</remarks>
public sealed class MeteredWriteStream(Stream inner, bool computeSha256, Action<long>? onProgress = null) : WriteOnlyStream
{
    private readonly IncrementalHash? _sha256 = computeSha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
    private bool _detached;

    /// <summary>Bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Lower-case hex SHA-256 of everything written; call once, after the last write.</summary>
    public string FinishSha256Hex() =>
        Convert.ToHexStringLower((_sha256 ?? throw new InvalidOperationException("This stream does not hash.")).GetHashAndReset());

    /// <summary>Drops every further write and flush, so that abandoning a bundle cannot fail on (or add to) its output.</summary>
    public void Detach() => _detached = true;

    /// <summary>
    /// Counts bytes that reached the destination another way (a member spliced in already
    /// compressed). They are not hashed, so a stream that hashes refuses them.
    /// </summary>
    internal void CountWrittenElsewhere(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (_sha256 is not null)
        {
            throw new InvalidOperationException("A hashing stream cannot count bytes it did not see.");
        }

        BytesWritten += bytes;
        onProgress?.Invoke(BytesWritten);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_detached)
        {
            return;
        }

        inner.Write(buffer);
        Count(buffer);
    }

    // Overridden because Stream's default runs the synchronous Write on the thread pool.
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_detached)
        {
            return;
        }

        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Count(buffer.Span);
    }

    public override void Flush()
    {
        if (!_detached)
        {
            inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _detached ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Count(ReadOnlySpan<byte> written)
    {
        _sha256?.AppendData(written);
        BytesWritten += written.Length;
        onProgress?.Invoke(BytesWritten);
    }
}
