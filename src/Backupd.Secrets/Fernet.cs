using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Backupd.Secrets;

/// <summary>
/// Encrypts and decrypts Fernet tokens (spec version 0x80: AES-128-CBC with PKCS7, HMAC-SHA256,
/// URL-safe base64) with one key. Tokens interoperate with Python's <c>cryptography.fernet</c>.
/// </summary>
/// <remarks>Thread-safe: every call uses its own cipher instance.</remarks>
public sealed class Fernet
{
    /// <summary>
    /// How far in the future a token's timestamp may be when a time-to-live is checked, as in
    /// Python's cryptography. Without a time-to-live no time is checked: a secret stored at rest
    /// must stay readable whatever the clock said when it was written.
    /// </summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(60);

    private readonly FernetKey _key;
    private readonly TimeProvider _timeProvider;

    /// <summary>Uses <paramref name="key"/>; token timestamps come from <paramref name="timeProvider"/> (the system clock by default).</summary>
    public Fernet(FernetKey key, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> with a fresh random IV and the current time.</summary>
    /// <returns>The token, URL-safe base64 with padding.</returns>
    public string Encrypt(ReadOnlySpan<byte> plaintext) => Encrypt(plaintext, RandomNumberGenerator.GetBytes(FernetToken.IvLength));

    /// <summary>Encrypts the UTF-8 bytes of <paramref name="plaintext"/>.</summary>
    public string Encrypt(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var bytes = StrictUtf8.Encoding.GetBytes(plaintext);
        try
        {
            return Encrypt(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Verifies and decrypts <paramref name="token"/> (with or without base64 padding).</summary>
    /// <param name="token">A token made by this class or any other Fernet implementation.</param>
    /// <param name="timeToLive">
    /// When given, a token older than this, or dated more than <see cref="MaxClockSkew"/> in the
    /// future, is refused. Whole seconds count, as the token's timestamp has no finer resolution.
    /// </param>
    /// <exception cref="InvalidFernetTokenException">The key does not fit, the token was altered, or it is out of its time-to-live.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeToLive"/> is negative.</exception>
    public byte[] Decrypt(string token, TimeSpan? timeToLive = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        ThrowIfNegative(timeToLive);
        var decoded = FernetToken.TryDecode(token);
        return decoded is not null && TryDecrypt(decoded, timeToLive, out var plaintext)
            ? plaintext
            : throw new InvalidFernetTokenException();
    }

    /// <summary>Like <see cref="Decrypt"/>, for a message that was UTF-8 text.</summary>
    /// <exception cref="DecoderFallbackException">The message is not UTF-8 text.</exception>
    public string DecryptString(string token, TimeSpan? timeToLive = null) => StrictUtf8.Encoding.GetString(Decrypt(token, timeToLive));

    /// <summary>Encrypts with a given IV at the current time: the spec's test vectors fix the IV.</summary>
    internal string Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> iv) => Encrypt(plaintext, iv, CurrentUnixSeconds());

    /// <summary>Encrypts with a given IV and timestamp: key rotation keeps a token's timestamp.</summary>
    internal string Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> iv, ulong timestamp)
    {
        using var aes = CreateAes();
        var ciphertextLength = aes.GetCiphertextLengthCbc(plaintext.Length, PaddingMode.PKCS7);
        var token = new byte[FernetToken.HeaderLength + ciphertextLength + FernetToken.MacLength];
        token[0] = FernetToken.Version;
        BinaryPrimitives.WriteUInt64BigEndian(token.AsSpan(1, FernetToken.TimestampLength), timestamp);
        iv.CopyTo(token.AsSpan(1 + FernetToken.TimestampLength, FernetToken.IvLength));
        aes.EncryptCbc(plaintext, iv, token.AsSpan(FernetToken.HeaderLength, ciphertextLength), PaddingMode.PKCS7);
        var signedLength = token.Length - FernetToken.MacLength;
        HMACSHA256.HashData(_key.SigningKey, token.AsSpan(0, signedLength), token.AsSpan(signedLength));
        return FernetBase64.Encode(token);
    }

    /// <summary>Whether this key made <paramref name="token"/>: its HMAC verifies, compared in constant time.</summary>
    internal bool IsSignedWithThisKey(FernetToken token)
    {
        Span<byte> expected = stackalloc byte[FernetToken.MacLength];
        HMACSHA256.HashData(_key.SigningKey, token.Signed, expected);
        return CryptographicOperations.FixedTimeEquals(expected, token.Mac);
    }

    /// <summary>The spec's verification steps in its order: time, then HMAC, then decryption and unpadding.</summary>
    internal bool TryDecrypt(FernetToken token, TimeSpan? timeToLive, [NotNullWhen(true)] out byte[]? plaintext)
    {
        plaintext = null;
        if ((timeToLive is { } ttl && !IsWithinTimeToLive(token.Timestamp, ttl)) || !IsSignedWithThisKey(token))
        {
            return false;
        }

        using var aes = CreateAes();
        try
        {
            plaintext = aes.DecryptCbc(token.Ciphertext, token.Iv, PaddingMode.PKCS7);
            return true;
        }
        catch (CryptographicException)
        {
            // A bad padding under a valid HMAC: made with this key, but not by a Fernet implementation.
            return false;
        }
    }

    internal static void ThrowIfNegative(TimeSpan? timeToLive)
    {
        if (timeToLive is { } ttl)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.Zero, nameof(timeToLive));
        }
    }

    private bool IsWithinTimeToLive(ulong timestamp, TimeSpan timeToLive)
    {
        // Int128 so that neither a timestamp beyond long.MaxValue nor a huge TTL can overflow.
        Int128 now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        Int128 made = timestamp;
        var expired = made + (long)timeToLive.TotalSeconds < now;
        var fromTheFuture = now + (long)MaxClockSkew.TotalSeconds < made;
        return !expired && !fromTheFuture;
    }

    private ulong CurrentUnixSeconds()
    {
        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        return now < 0
            ? throw new InvalidOperationException("The clock says the time is before 1970; a Fernet timestamp cannot hold it.")
            : (ulong)now;
    }

    private Aes CreateAes()
    {
        var aes = Aes.Create();
        aes.SetKey(_key.EncryptionKey);
        return aes;
    }
}
