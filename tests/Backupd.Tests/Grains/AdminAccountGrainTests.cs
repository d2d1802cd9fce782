using Backupd.Contracts.Auth;
using Backupd.Grains.Auth;
using Backupd.Tests.Master;

namespace Backupd.Tests.Grains;

[Collection(SqliteSiloCollection.Name)]
public sealed class AdminAccountGrainTests(SqliteSiloFixture silo)
{
    [Fact]
    public async Task First_password_sticks_and_later_ones_are_ignored()
    {
        var account = silo.Client.GetGrain<IAdminAccountGrain>("admin-" + Guid.NewGuid().ToString("N"));
        Assert.False(await account.IsCreatedAsync());
        Assert.True(await account.EnsureCreatedAsync("first-password-123"));
        Assert.False(await account.EnsureCreatedAsync("second-password-456"));

        Assert.NotNull(await account.IssueTokenAsync("first-password-123"));
        Assert.Null(await account.IssueTokenAsync("second-password-456"));
    }

    [Fact]
    public async Task Issued_token_verifies_until_revoked_even_after_deactivation()
    {
        var user = "admin-" + Guid.NewGuid().ToString("N");
        var account = silo.Client.GetGrain<IAdminAccountGrain>(user);
        await account.EnsureCreatedAsync("a-long-password-1");
        var issued = await account.IssueTokenAsync("a-long-password-1");
        Assert.NotNull(issued);
        Assert.True(ApiTokenFormat.TryParse(issued.Token, out var id, out var secret));
        Assert.Equal(issued.Id, id);

        var token = silo.Client.GetGrain<IApiTokenGrain>(id);
        await silo.Cluster.DeactivateAsync(token);
        Assert.Equal(user, await token.VerifyAsync(secret));
        Assert.Null(await token.VerifyAsync(secret + "x"));

        Assert.True(await token.RevokeAsync());
        await silo.Cluster.DeactivateAsync(token);
        Assert.Null(await token.VerifyAsync(secret));
    }

    [Fact]
    public async Task Database_holds_neither_the_password_nor_the_token_in_plain_text()
    {
        var password = "plain-" + Guid.NewGuid().ToString("N");
        var account = silo.Client.GetGrain<IAdminAccountGrain>("admin-" + Guid.NewGuid().ToString("N"));
        await account.EnsureCreatedAsync(password);
        var issued = await account.IssueTokenAsync(password);
        Assert.True(ApiTokenFormat.TryParse(issued!.Token, out _, out var secret));

        var dump = await SqliteText.ReadAllAsync(silo.Database);
        Assert.Contains(issued.Id, dump);
        Assert.DoesNotContain(password, dump);
        Assert.DoesNotContain(secret, dump);
    }
}
