using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Backupd.Secrets;

/// <summary>
/// A Fernet key: 16 bytes that sign tokens followed by 16 bytes that encrypt them, written as
/// URL-safe base64 exactly as Python's <c>Fernet.generate_key()</c> writes it.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> never shows the key, so a key that ends up in a log line or an
/// exception message by accident stays secret; <see cref="Export"/> is the one way out.
/// </remarks>
public sealed class FernetKey
{
    /// <summary>How many bytes a key holds.</summary>
    public const int Length = 32;

    /// <summary>What a valid key looks like, for error messages.</summary>
    public const string ExpectedFormat = "32 bytes, URL-safe base64, as Python's Fernet.generate_key() makes";

    private const int HalfLength = Length / 2;
    private readonly byte[] _bytes;

    private FernetKey(byte[] bytes) => _bytes = bytes;

    /// <summary>The first half: the HMAC-SHA256 key.</summary>
    internal ReadOnlySpan<byte> SigningKey => _bytes.AsSpan(0, HalfLength);

    /// <summary>The second half: the AES-128 key.</summary>
    internal ReadOnlySpan<byte> EncryptionKey => _bytes.AsSpan(HalfLength, HalfLength);

    /// <summary>A new key from the operating system's cryptographic random source.</summary>
    public static FernetKey Generate() => new(RandomNumberGenerator.GetBytes(Length));

    /// <summary>Reads a key written as URL-safe base64, with or without its trailing <c>=</c>.</summary>
    /// <exception cref="FormatException">It is not a key; the message never repeats <paramref name="text"/>.</exception>
    public static FernetKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var key)
            ? key
            : throw new FormatException($"The text is not a Fernet key: a key is {ExpectedFormat}.");
    }

    /// <summary>Like <see cref="Parse"/>, but <see langword="false"/> instead of an exception.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out FernetKey? key)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var bytes = FernetBase64.TryDecode(text.AsSpan().Trim());
        if (bytes is not { Length: Length })
        {
            return false;
        }

        key = new FernetKey(bytes);
        return true;
    }

    /// <summary>The key as Python's <c>Fernet.generate_key()</c> writes it: 44 characters, URL-safe base64 with padding.</summary>
    public string Export() => FernetBase64.Encode(_bytes);

    /// <summary>A placeholder: the key itself is only ever shown by <see cref="Export"/>.</summary>
    public override string ToString() => "FernetKey (hidden; Export() shows it)";
}
