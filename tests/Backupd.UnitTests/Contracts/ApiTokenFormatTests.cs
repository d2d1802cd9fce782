using Backupd.Contracts.Auth;

namespace Backupd.Tests.Contracts;

public sealed class ApiTokenFormatTests
{
    [Fact]
    public void Composed_token_parses_back_to_its_parts()
    {
        var (id, secret) = ApiTokenFormat.NewIdAndSecret();
        Assert.True(ApiTokenFormat.TryParse(ApiTokenFormat.Compose(id, secret), out var parsedId, out var parsedSecret));
        Assert.Equal(id, parsedId);
        Assert.Equal(secret, parsedSecret);
    }

    [Fact]
    public void Fresh_tokens_differ()
    {
        Assert.NotEqual(ApiTokenFormat.NewIdAndSecret(), ApiTokenFormat.NewIdAndSecret());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("bkd_")]
    [InlineData("bkd_0123456789abcdef01234567_")]
    [InlineData("bkd_0123456789ABCDEF01234567_secret")]
    [InlineData("bkd_short_secret")]
    [InlineData("xyz_0123456789abcdef01234567_secret")]
    public void Malformed_tokens_are_rejected(string? token)
    {
        Assert.False(ApiTokenFormat.TryParse(token, out _, out _));
    }
}
