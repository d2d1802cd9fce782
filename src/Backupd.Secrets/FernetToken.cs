using System.Buffers.Binary;

namespace Backupd.Secrets;

/// <summary>
/// The fields of a decoded token: version ‖ timestamp ‖ IV ‖ ciphertext ‖ HMAC. Holding a
/// <see cref="FernetToken"/> only means the layout is right; nothing is verified yet.
/// </summary>
internal sealed class FernetToken
{
    public const byte Version = 0x80;
    public const int TimestampLength = 8;
    public const int IvLength = 16;
    public const int BlockLength = 16;
    public const int MacLength = 32;
    public const int HeaderLength = 1 + TimestampLength + IvLength;

    // PKCS7 always adds at least one byte, so even an empty message has one block.
    private const int MinimumLength = HeaderLength + BlockLength + MacLength;

    private readonly byte[] _bytes;

    private FernetToken(byte[] bytes) => _bytes = bytes;

    /// <summary>Seconds since 1970-01-01 UTC when the token was made, as the maker's clock said.</summary>
    public ulong Timestamp => BinaryPrimitives.ReadUInt64BigEndian(_bytes.AsSpan(1, TimestampLength));

    public ReadOnlySpan<byte> Iv => _bytes.AsSpan(1 + TimestampLength, IvLength);

    public ReadOnlySpan<byte> Ciphertext => _bytes.AsSpan(HeaderLength, _bytes.Length - HeaderLength - MacLength);

    /// <summary>Everything the HMAC covers.</summary>
    public ReadOnlySpan<byte> Signed => _bytes.AsSpan(0, _bytes.Length - MacLength);

    public ReadOnlySpan<byte> Mac => _bytes.AsSpan(_bytes.Length - MacLength);

    /// <summary>Decodes <paramref name="token"/>; <see langword="null"/> when it cannot be a version 0x80 token.</summary>
    public static FernetToken? TryDecode(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var bytes = FernetBase64.TryDecode(token);
        if (bytes is null
            || bytes.Length < MinimumLength
            || bytes[0] != Version
            || (bytes.Length - HeaderLength - MacLength) % BlockLength != 0)
        {
            return null;
        }

        return new FernetToken(bytes);
    }
}
