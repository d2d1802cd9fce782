namespace Backupd.Grains.Auth;

/// <summary>Stored state of one API token.</summary>
[GenerateSerializer, Alias("backupd.auth.ApiTokenState")]
public sealed class ApiTokenState
{
    /// <summary>Who the token acts as.</summary>
    [Id(0)] public string? UserName { get; set; }

    /// <summary>Salted hash of the token's secret.</summary>
    [Id(1)] public string? SecretHash { get; set; }

    /// <summary>When it was issued.</summary>
    [Id(2)] public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>When it was revoked; a revoked token never works again.</summary>
    [Id(3)] public DateTimeOffset? RevokedAt { get; set; }
}
