using Backupd.Contracts.Auth;
namespace Backupd.Grains.Auth;

/// <summary>One API token, keyed by its public id. Only a salted hash of its secret is stored.</summary>
[Alias("backupd.auth.IApiTokenGrain")]
public interface IApiTokenGrain : IGrainWithStringKey
{
    /// <summary>Stores a new token for <paramref name="userName"/>; refuses if this id is already in use.</summary>
    [Alias("Create")]
    Task CreateAsync(string userName, string secret);

    /// <summary>Checks a presented secret.</summary>
    /// <returns>The user the token belongs to, or <c>null</c> if the secret is wrong or the token was revoked.</returns>
    [Alias("Verify")]
    Task<string?> VerifyAsync(string secret);

    /// <summary>The token as listed, or null when there is none with this id.</summary>
    [Alias("GetInfo")]
    Task<ApiTokenInfo?> GetInfoAsync();

    /// <summary>Stops the token from working.</summary>
    [Alias("Revoke")]
    Task<bool> RevokeAsync();
}
