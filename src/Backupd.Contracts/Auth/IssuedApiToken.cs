namespace Backupd.Contracts.Auth;

/// <summary>A token as handed to its owner, once.</summary>
/// <param name="Id">The token's public id (safe to log).</param>
/// <param name="Token">The full bearer token, secret included.</param>
/// <param name="CreatedAt">When it was issued.</param>
[GenerateSerializer, Immutable, Alias("backupd.auth.IssuedApiToken")]
public sealed record IssuedApiToken(
    [property: Id(0)] string Id,
    [property: Id(1)] string Token,
    [property: Id(2)] DateTimeOffset CreatedAt);
