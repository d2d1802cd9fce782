using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Backupd.Secrets;

/// <summary>
/// Several Fernet keys: the first (the primary) encrypts, all of them decrypt. A new key goes
/// first; the old ones stay until every secret is re-encrypted (<see cref="IsEncryptedWithPrimary"/>,
/// <see cref="Rotate"/>). Behaves as Python's <c>MultiFernet</c>.
/// </summary>
public sealed class FernetKeyRing
{
    private readonly Fernet[] _fernets;

    /// <summary>A ring of <paramref name="keys"/> in order; the first is the primary.</summary>
    /// <exception cref="ArgumentException"><paramref name="keys"/> is empty.</exception>
    public FernetKeyRing(IEnumerable<FernetKey> keys, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _fernets = [.. keys.Select(key => new Fernet(key, timeProvider))];
        if (_fernets.Length == 0)
        {
            throw new ArgumentException("A key ring needs at least one key.", nameof(keys));
        }
    }

    /// <summary>How many keys the ring holds.</summary>
    public int Count => _fernets.Length;

    /// <summary>
    /// Reads comma-separated keys, each as <see cref="FernetKey.Parse"/> accepts it; spaces around
    /// a key and empty entries are ignored.
    /// </summary>
    /// <exception cref="FormatException">
    /// No key is given or one is not a key. The message says which one by position, never by value.
    /// </exception>
    public static FernetKeyRing Parse(string keys, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var entries = keys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
        {
            throw new FormatException($"No Fernet key is given: a key is {FernetKey.ExpectedFormat}; several are separated by commas.");
        }

        var parsed = new FernetKey[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            if (!FernetKey.TryParse(entries[i], out var key))
            {
                var which = entries.Length == 1 ? "The key" : $"Key {i + 1} of {entries.Length}";
                throw new FormatException($"{which} is not a Fernet key: a key is {FernetKey.ExpectedFormat}; several are separated by commas.");
            }

            parsed[i] = key;
        }

        return new FernetKeyRing(parsed, timeProvider);
    }

    /// <summary>Encrypts with the primary key.</summary>
    public string Encrypt(ReadOnlySpan<byte> plaintext) => _fernets[0].Encrypt(plaintext);

    /// <summary>Encrypts the UTF-8 bytes of <paramref name="plaintext"/> with the primary key.</summary>
    public string Encrypt(string plaintext) => _fernets[0].Encrypt(plaintext);

    /// <summary>Decrypts with whichever key made <paramref name="token"/>.</summary>
    /// <param name="token">A token, with or without base64 padding.</param>
    /// <param name="timeToLive">As in <see cref="Fernet.Decrypt"/>.</param>
    /// <exception cref="InvalidFernetTokenException">No key in the ring can decrypt it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeToLive"/> is negative.</exception>
    public byte[] Decrypt(string token, TimeSpan? timeToLive = null)
    {
        Fernet.ThrowIfNegative(timeToLive);
        return TryDecrypt(token, timeToLive, out var plaintext, out _) ? plaintext : throw new InvalidFernetTokenException();
    }

    /// <summary>Like <see cref="Decrypt"/>, for a message that was UTF-8 text.</summary>
    /// <exception cref="System.Text.DecoderFallbackException">The message is not UTF-8 text.</exception>
    public string DecryptString(string token, TimeSpan? timeToLive = null) =>
        StrictUtf8.Encoding.GetString(Decrypt(token, timeToLive));

    /// <summary>
    /// Whether the primary key made <paramref name="token"/>, so a rotation knows what it can skip.
    /// <see langword="false"/> for a token of another key and for anything that is not a token.
    /// </summary>
    public bool IsEncryptedWithPrimary(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return FernetToken.TryDecode(token) is { } decoded && _fernets[0].IsSignedWithThisKey(decoded);
    }

    /// <summary>
    /// Re-encrypts <paramref name="token"/> with the primary key, keeping its timestamp (as Python's
    /// <c>MultiFernet.rotate</c> does) so that rotation does not extend a time-to-live.
    /// </summary>
    /// <exception cref="InvalidFernetTokenException">No key in the ring can decrypt it.</exception>
    public string Rotate(string token)
    {
        if (!TryDecrypt(token, timeToLive: null, out var plaintext, out var timestamp))
        {
            throw new InvalidFernetTokenException();
        }

        try
        {
            return _fernets[0].Encrypt(plaintext, RandomNumberGenerator.GetBytes(FernetToken.IvLength), timestamp);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private bool TryDecrypt(string token, TimeSpan? timeToLive, [NotNullWhen(true)] out byte[]? plaintext, out ulong timestamp)
    {
        ArgumentNullException.ThrowIfNull(token);
        plaintext = null;
        timestamp = 0;
        if (FernetToken.TryDecode(token) is not { } decoded)
        {
            return false;
        }

        timestamp = decoded.Timestamp;
        foreach (var fernet in _fernets)
        {
            if (fernet.TryDecrypt(decoded, timeToLive, out plaintext))
            {
                return true;
            }
        }

        return false;
    }
}
