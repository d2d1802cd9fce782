using Backupd.Contracts.Auth;

namespace Backupd.Grains.Auth;

/// <inheritdoc cref="IApiTokenGrain"/>
public sealed class ApiTokenGrain(
    [PersistentState("token", StorageNames.Master)] IPersistentState<ApiTokenState> token,
    TimeProvider time) : Grain, IApiTokenGrain
{
    public async Task CreateAsync(string userName, string secret)
    {
        if (token.State.SecretHash is not null)
        {
            throw new InvalidOperationException($"API token {this.GetPrimaryKeyString()} already exists.");
        }

        token.State.UserName = userName;
        token.State.SecretHash = SecretHasher.HashToken(secret);
        token.State.CreatedAt = time.GetUtcNow();
        await token.WriteStateAsync();
    }

    public Task<string?> VerifyAsync(string secret)
    {
        var valid = token.State is { SecretHash: { } hash, RevokedAt: null } && SecretHasher.Verify(secret, hash);
        return Task.FromResult(valid ? token.State.UserName : null);
    }

    public Task<ApiTokenInfo?> GetInfoAsync() =>
        Task.FromResult(token.State is { SecretHash: not null, CreatedAt: { } created } ? new ApiTokenInfo(this.GetPrimaryKeyString(), created, token.State.RevokedAt) : null);

    public async Task<bool> RevokeAsync()
    {
        if (token.State.SecretHash is null || token.State.RevokedAt is not null)
        {
            return false;
        }

        token.State.RevokedAt = time.GetUtcNow();
        await token.WriteStateAsync();
        return true;
    }
}
