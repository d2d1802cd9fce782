using System.Security.Cryptography;

namespace Backupd.Bundles.IO;

/// <summary>Reads another stream front to back, taking the SHA-256 and the count of what passes.</summary>
internal sealed class Sha256ReadStream(Stream inner) : ReadOnlyStream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Bytes read so far.</summary>
    public long BytesRead => Position;

    /// <summary>The SHA-256 of what was read, in lowercase hex; the stream is then spent.</summary>
    public string FinishSha256Hex() => Convert.ToHexStringLower(_sha256.GetHashAndReset());

    public override int Read(Span<byte> buffer) => Take(buffer, inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Take(buffer.Span, read);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Take(ReadOnlySpan<byte> buffer, int read)
    {
        _sha256.AppendData(buffer[..read]);
        return Advance(read);
    }
}
