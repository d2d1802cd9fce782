using System.Text;
using Backupd.Secrets;

namespace Backupd.Tests.Secrets;

public sealed class PythonCryptographyInteropTests
{
    private static readonly byte[] Plaintext = Encoding.UTF8.GetBytes("db-password: pässwörd ✓");

    [Fact]
    public async Task Token_made_by_backupd_decrypts_in_python()
    {
        var key = FernetKey.Generate();
        var token = new Fernet(key).Encrypt(Plaintext);

        Assert.Equal(Plaintext, await PythonFernet.DecryptAsync(key.Export(), token));
    }

    [Fact]
    public async Task Token_made_by_python_decrypts_in_backupd()
    {
        var key = FernetKey.Generate();
        var token = await PythonFernet.EncryptAsync(key.Export(), Plaintext);

        Assert.Equal(Plaintext, new Fernet(key).Decrypt(token, TimeSpan.FromMinutes(5)));
        Assert.Equal(Plaintext, new Fernet(key).Decrypt(token.TrimEnd('=')));
    }

    [Fact]
    public async Task Key_from_python_generate_key_parses_and_exports_unchanged()
    {
        var exported = await PythonFernet.GenerateKeyAsync();

        var key = FernetKey.Parse(exported);

        Assert.Equal(exported, key.Export());
        Assert.Equal(Plaintext, await PythonFernet.DecryptAsync(exported, new Fernet(key).Encrypt(Plaintext)));
    }
}
