namespace Backupd.Grains.Auth;

/// <summary>Stored state of an administrator account.</summary>
[GenerateSerializer, Alias("backupd.auth.AdminAccountState")]
public sealed class AdminAccountState
{
    /// <summary>Salted password hash from <see cref="SecretHasher"/>; never the password.</summary>
    [Id(0)] public string? PasswordHash { get; set; }

    /// <summary>When the account got its first password.</summary>
    [Id(1)] public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>The ids of the API tokens issued to the account, oldest first (tokens issued before this list existed are not in it).</summary>
    [Id(2)] public List<string> TokenIds { get; set; } = [];

    /// <summary>Dashboard sessions signed out before they expired, with their expiry: kept until then, so their cookies stay refused after a restart.</summary>
    [Id(3)] public Dictionary<string, DateTimeOffset> EndedSessions { get; set; } = [];
}
