namespace Backupd.Master.Auth;

/// <summary>Authorization policy names.</summary>
public static class AuthPolicies
{
    /// <summary>Caller presented HTTP Basic credentials (checked by the endpoint through the account grain).</summary>
    public const string AdminPassword = "admin-password";

    /// <summary>A node on the node API, by its certificate; the node id is in the name identifier claim.</summary>
    public const string Node = "node";
}
