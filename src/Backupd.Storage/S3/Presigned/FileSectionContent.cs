using System.Net;

namespace Backupd.Storage;

/// <summary>
/// A request body that is one section of a file, read as it is sent. StreamContent over a
/// FileStream would send to the file's end; a part is a window of it.
/// </summary>
internal sealed class FileSectionContent(string path, long offset, long length) : HttpContent
{
    private const int BufferSize = 1 << 16;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        file.Position = offset;
        var buffer = new byte[BufferSize];
        for (var remaining = length; remaining > 0;)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"The bundle {path} ended before byte {offset + length}; it changed while being uploaded.");
            }

            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            remaining -= read;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Length;
        return true;
    }

    private long Length => length;
}
