namespace Backupd.Grains.Secrets;

/// <summary>
/// Encrypts secrets before grains store them and decrypts them when they must be used. The
/// master implements it with Fernet (<c>BACKUPD_SECRET_KEY</c> or <c>secret.key</c>).
/// </summary>
public interface ISecretCipher
{
    /// <summary>A token holding <paramref name="plaintext"/>, made with the current key.</summary>
    string Encrypt(string plaintext);

    /// <summary>The plaintext of a token made with any configured key.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">No configured key opens it.</exception>
    string Decrypt(string token);

    /// <summary>Whether the token was made with the current key (else it should be re-encrypted).</summary>
    bool IsCurrent(string token);
}
