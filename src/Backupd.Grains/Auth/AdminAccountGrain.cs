using Backupd.Contracts.Auth;
using Microsoft.Extensions.Logging;

namespace Backupd.Grains.Auth;

/// <inheritdoc cref="IAdminAccountGrain"/>
public sealed partial class AdminAccountGrain(
    [PersistentState("account", StorageNames.Master)] IPersistentState<AdminAccountState> account,
    TimeProvider time,
    ILogger<AdminAccountGrain> logger) : Grain, IAdminAccountGrain
{
    public async Task<bool> EnsureCreatedAsync(string initialPassword)
    {
        ArgumentException.ThrowIfNullOrEmpty(initialPassword);
        if (account.State.PasswordHash is not null)
        {
            return false;
        }

        account.State.PasswordHash = SecretHasher.HashPassword(initialPassword);
        account.State.CreatedAt = time.GetUtcNow();
        await account.WriteStateAsync();
        return true;
    }

    public Task<bool> IsCreatedAsync() => Task.FromResult(account.State.PasswordHash is not null);

    public async Task<IssuedApiToken?> IssueTokenAsync(string password)
    {
        if (account.State.PasswordHash is not { } hash || !SecretHasher.Verify(password, hash))
        {
            LogRefused(this.GetPrimaryKeyString());
            return null;
        }

        var (id, secret) = ApiTokenFormat.NewIdAndSecret();
        await GrainFactory.GetGrain<IApiTokenGrain>(id).CreateAsync(this.GetPrimaryKeyString(), secret);
        account.State.TokenIds.Add(id);
        await account.WriteStateAsync();
        LogIssued(this.GetPrimaryKeyString(), id);
        return new IssuedApiToken(id, ApiTokenFormat.Compose(id, secret), time.GetUtcNow());
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListTokensAsync()
    {
        var tokens = new List<ApiTokenInfo>();
        foreach (var id in Enumerable.Reverse(account.State.TokenIds))
        {
            if (await GrainFactory.GetGrain<IApiTokenGrain>(id).GetInfoAsync() is { } token)
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    public async Task EndSessionAsync(string sessionId, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        // Sessions that would have expired anyway are forgotten: the list stays as small as the sessions still open.
        foreach (var expired in account.State.EndedSessions.Where(ended => ended.Value <= now).Select(ended => ended.Key).ToList())
        {
            account.State.EndedSessions.Remove(expired);
        }

        account.State.EndedSessions[sessionId] = expiresAt;
        await account.WriteStateAsync();
    }

    public Task<bool> HasSessionEndedAsync(string sessionId) => Task.FromResult(account.State.EndedSessions.ContainsKey(sessionId));

    public Task<bool> CheckPasswordAsync(string password)
    {
        if (account.State.PasswordHash is not { } hash || !SecretHasher.Verify(password, hash))
        {
            LogRefusedSignIn(this.GetPrimaryKeyString());
            return Task.FromResult(false);
        }

        LogSignedIn(this.GetPrimaryKeyString());
        return Task.FromResult(true);
    }

    [LoggerMessage(LogLevel.Warning, "Wrong password for {UserName}: not signed in to the dashboard")]
    private partial void LogRefusedSignIn(string userName);

    [LoggerMessage(LogLevel.Information, "{UserName} signed in to the dashboard")]
    private partial void LogSignedIn(string userName);

    [LoggerMessage(LogLevel.Warning, "Wrong password for {UserName}: no token issued")]
    private partial void LogRefused(string userName);

    [LoggerMessage(LogLevel.Information, "Issued API token {TokenId} to {UserName}")]
    private partial void LogIssued(string userName, string tokenId);
}
