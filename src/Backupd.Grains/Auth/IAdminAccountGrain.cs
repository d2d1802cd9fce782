using Backupd.Contracts.Auth;
namespace Backupd.Grains.Auth;

/// <summary>
/// An administrator of the master, keyed by user name (<c>admin</c>). Holds only a salted hash
/// of the password and mints API tokens for the REST API.
/// </summary>
[Alias("backupd.auth.IAdminAccountGrain")]
public interface IAdminAccountGrain : IGrainWithStringKey
{
    /// <summary>Sets the first password if the account has none yet.</summary>
    /// <returns><c>true</c> if the password was set now, <c>false</c> if the account already had one (which is kept).</returns>
    [Alias("EnsureCreated")]
    Task<bool> EnsureCreatedAsync(string initialPassword);

    /// <summary>Whether the account has a password.</summary>
    [Alias("IsCreated")]
    Task<bool> IsCreatedAsync();

    /// <summary>Checks the password; if it is right, issues a new API token.</summary>
    /// <returns>The token (shown to the caller once; only its hash is kept), or <c>null</c> for a wrong password.</returns>
    [Alias("IssueToken")]
    Task<IssuedApiToken?> IssueTokenAsync(string password);

    /// <summary>The API tokens issued to the account, newest first.</summary>
    [Alias("ListTokens")]
    Task<IReadOnlyList<ApiTokenInfo>> ListTokensAsync();

    /// <summary>Ends a dashboard session before its expiry (sign-out): its cookie is refused from now on, on every silo and after restarts.</summary>
    [Alias("EndSession")]
    Task EndSessionAsync(string sessionId, DateTimeOffset expiresAt);

    /// <summary>Whether a dashboard session was signed out.</summary>
    [Alias("HasSessionEnded")]
    Task<bool> HasSessionEndedAsync(string sessionId);

    /// <summary>Checks the password, for a dashboard sign-in (which gets a cookie, not a token).</summary>
    [Alias("CheckPassword")]
    Task<bool> CheckPasswordAsync(string password);
}
