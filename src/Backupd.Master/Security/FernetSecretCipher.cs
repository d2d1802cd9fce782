using Backupd.Grains.Secrets;
using Backupd.Secrets;

namespace Backupd.Master.Security;

/// <summary>Grains' secret encryption, done with the master's Fernet keys.</summary>
public sealed class FernetSecretCipher(FernetKeyRing keys) : ISecretCipher
{
    public string Encrypt(string plaintext) => keys.Encrypt(plaintext);

    public string Decrypt(string token) => keys.DecryptString(token);

    public bool IsCurrent(string token) => keys.IsEncryptedWithPrimary(token);
}
