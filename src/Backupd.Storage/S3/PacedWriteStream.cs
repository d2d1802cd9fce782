using Backupd.Bundles.IO;

namespace Backupd.Storage;

/// <summary>
/// Writes to the socket's stream in chunks, each paid for under the bandwidth limit first and
/// counted after. It does not own the socket's stream.
/// </summary>
internal sealed class PacedWriteStream(Stream target, TransferScope scope) : WriteOnlyStream
{
    // Small enough that progress and the watchdog hear of a slow upload often, large enough
    // that the per-chunk cost vanishes next to a socket write.
    private const int ChunkBytes = 64 * 1024;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        for (var offset = 0; offset < buffer.Length; offset += ChunkBytes)
        {
            var chunk = buffer.Slice(offset, Math.Min(ChunkBytes, buffer.Length - offset));
            if (scope.Limiter is { } limiter)
            {
                await limiter.WaitAsync(chunk.Length, cancellationToken).ConfigureAwait(false);
            }

            await target.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            scope.Sent(chunk.Length);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // The SDK sends asynchronously; a synchronous write here would be an unpaced one.
    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Upload bodies are sent asynchronously.");

    public override Task FlushAsync(CancellationToken cancellationToken) => target.FlushAsync(cancellationToken);

    public override void Flush() => target.Flush();

}
