namespace Backupd.Master.Auth;

/// <summary>The authentication schemes of the REST API.</summary>
public static class AuthSchemes
{
    /// <summary><c>Authorization: Bearer bkd_…</c>: every <c>/api/v1</c> route.</summary>
    public const string ApiToken = "Bearer";

    /// <summary><c>Authorization: Basic admin:password</c>: only to obtain an API token.</summary>
    public const string AdminPassword = "Basic";

    /// <summary>Role of a caller holding an admin API token.</summary>
    public const string AdminRole = "admin";

    /// <summary>The node API: the caller is the node its client certificate names.</summary>
    public const string NodeCertificate = "NodeCertificate";

    /// <summary>Role of a node on the node API.</summary>
    public const string NodeRole = "node";

    /// <summary>The claim that carries an API token's id, so a caller can revoke its own token.</summary>
    public const string TokenIdClaim = "backupd:token-id";
}
