using System.Net;
using Backupd.Contracts.Auth;
using Backupd.Grains.Auth;

namespace Backupd.Master.Application.Auth;

/// <summary>API tokens as an admin handles them: issue one (with the password, under the sign-in brakes), list them, revoke one.</summary>
public sealed class TokenService(IGrainFactory grains, AdminSignIn signIn)
{
    /// <summary>Issues a token to <paramref name="user"/> when <paramref name="password"/> is theirs; the token is shown once.</summary>
    public Task<SignInOutcome<IssuedApiToken>> IssueAsync(string user, string password, IPAddress address, CancellationToken cancellationToken) =>
        signIn.SignInAsync(user, address, account => account.IssueTokenAsync(password), cancellationToken);

    /// <summary>The tokens issued to <paramref name="user"/>, newest first.</summary>
    public Task<IReadOnlyList<ApiTokenInfo>> ListAsync(string user) => grains.GetGrain<IAdminAccountGrain>(user).ListTokensAsync();

    /// <summary>Revokes the token with <paramref name="id"/>: it stops working at once.</summary>
    public async Task<Outcome<Done>> RevokeAsync(string id) =>
        id.Length == 24 && await grains.GetGrain<IApiTokenGrain>(id).RevokeAsync()
            ? Done.Value
            : Problem.NotFound("No such token", $"No active API token has the id '{id}'.");
}
