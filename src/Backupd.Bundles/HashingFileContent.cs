using System.Security.Cryptography;
using Backupd.Bundles.IO;
using Microsoft.Win32.SafeHandles;

namespace Backupd.Bundles;

/// <summary>
/// The content of one open file as a tar entry's data stream: exactly <c>length</c> bytes, hashed
/// with SHA-256 as they are read, so each file is read once for both the archive and its digest.
/// </summary>
/// <remarks>
/// A <see cref="KnownLengthReadStream"/>, so that <c>TarWriter</c> writes the header first. The length is fixed when the file is opened: a file that grows meanwhile is cut there, one that
/// shrinks fails the entry, because the header already promised the size.
/// </remarks>
internal sealed class HashingFileContent(
    SafeFileHandle file, string sourcePath, long length, byte[] chunk, Action<int>? onChunkRead) : KnownLengthReadStream(length)
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Lower-case hex SHA-256 of the whole content; only once all of it has been read.</summary>
    public string FinishSha256Hex() => Remaining == 0
        ? Convert.ToHexStringLower(_sha256.GetHashAndReset())
        : throw new InvalidOperationException($"Only {Position} of {Length} bytes of '{sourcePath}' have been read.");

    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        // Our own 1 MiB chunk instead of the caller's bufferSize: big copies are what make the data path fast.
        // The read is synchronous: the handle is not opened for async I/O, so ReadAsync would only run
        // the same pread on another pool thread, one hop per read, which most of 30 000 small files are.
        int read;
        while ((read = Read(chunk)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await destination.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = Wanted(buffer.Length);
        if (wanted == 0)
        {
            return 0;
        }

        int read;
        try
        {
            read = await RandomAccess.ReadAsync(file, buffer[..wanted], Position, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BundleSourceException(sourcePath, e);
        }

        return Accept(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var wanted = Wanted(buffer.Length);
        if (wanted == 0)
        {
            return 0;
        }

        int read;
        try
        {
            read = RandomAccess.Read(file, buffer[..wanted], Position);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BundleSourceException(sourcePath, e);
        }

        return Accept(buffer[..read]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Wanted(int bufferLength) => (int)Math.Min(bufferLength, Remaining);

    private int Accept(ReadOnlySpan<byte> read)
    {
        if (read.IsEmpty)
        {
            throw new BundleSourceException(sourcePath, new IOException(
                $"the file shrank while it was read: {Length} bytes when opened, only {Position} now"));
        }

        _sha256.AppendData(read);
        Advance(read.Length);
        onChunkRead?.Invoke(read.Length);
        return read.Length;
    }
}
