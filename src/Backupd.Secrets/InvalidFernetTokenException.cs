using System.Security.Cryptography;

namespace Backupd.Secrets;

/// <summary>
/// A token that no configured key can decrypt. The message says so and nothing more: never
/// the key, never the plaintext, and not which check failed, so it cannot serve as an oracle.
/// </summary>
public sealed class InvalidFernetTokenException()
    : CryptographicException(
        "The secret could not be decrypted with any configured key: it was encrypted with a key that is not configured, "
        + "was altered or cut short, or is older than the time-to-live it was checked against.");
