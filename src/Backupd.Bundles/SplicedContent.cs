using Backupd.Bundles.IO;

namespace Backupd.Bundles;

/// <summary>
/// A tar entry's data stream whose bytes are already compressed elsewhere: when <c>TarWriter</c>
/// copies it, after writing the entry's header, <c>splice</c> puts the compressed frames on the
/// bundle's output instead (and may write the rest to the tar stream it is given), and the tar goes
/// on with the padding as if the bytes had passed through.
/// </summary>
/// <remarks>It cannot be read: anything but the copy <c>TarWriter</c> makes would miss the frames.</remarks>
internal sealed class SplicedContent(long length, Func<Stream, CancellationToken, Task> splice) : KnownLengthReadStream(length)
{
    /// <summary>Whether the splice ran, i.e. the entry's data is in the bundle.</summary>
    public bool Spliced { get; private set; }

    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        if (Spliced)
        {
            throw new InvalidOperationException("Spliced content can be copied only once.");
        }

        await splice(destination, cancellationToken).ConfigureAwait(false);
        Advance(Remaining);
        Spliced = true;
    }

    public override void CopyTo(Stream destination, int bufferSize) => throw NotReadable();

    public override int Read(byte[] buffer, int offset, int count) => throw NotReadable();

    public override int Read(Span<byte> buffer) => throw NotReadable();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw NotReadable();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw NotReadable();

    private static NotSupportedException NotReadable() =>
        new("Spliced content is only copied asynchronously by the bundle's TarWriter; it cannot be read.");
}
