using Backupd.Grains.Auth;

namespace Backupd.Tests.Grains;

public sealed class SecretHasherTests
{
    [Fact]
    public void Password_hash_verifies_only_the_same_password()
    {
        var hash = SecretHasher.HashPassword("correct horse battery staple");
        Assert.True(SecretHasher.Verify("correct horse battery staple", hash));
        Assert.False(SecretHasher.Verify("correct horse battery stapl", hash));
        Assert.DoesNotContain("correct horse", hash);
    }

    [Fact]
    public void Same_secret_hashes_differently_each_time_because_of_the_salt()
    {
        Assert.NotEqual(SecretHasher.HashPassword("p@ssw0rd-long"), SecretHasher.HashPassword("p@ssw0rd-long"));
        Assert.NotEqual(SecretHasher.HashToken("token-secret"), SecretHasher.HashToken("token-secret"));
    }

    [Fact]
    public void Token_hash_verifies_only_the_same_secret()
    {
        var hash = SecretHasher.HashToken("abc-def");
        Assert.True(SecretHasher.Verify("abc-def", hash));
        Assert.False(SecretHasher.Verify("abc-deg", hash));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("sha256$not-base64!$zzz")]
    [InlineData("md5$abc$def")]
    public void Corrupt_or_unknown_hashes_never_verify(string stored)
    {
        Assert.False(SecretHasher.Verify("anything", stored));
    }
}
