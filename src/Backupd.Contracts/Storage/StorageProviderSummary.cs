namespace Backupd.Contracts.Storage;

/// <summary>A storage provider as the API shows it: never a secret, only whether one is set.</summary>
[GenerateSerializer, Immutable, Alias("backupd.storage.StorageProviderSummary")]
public sealed record StorageProviderSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Type,
    [property: Id(3)] string? Path,
    [property: Id(4)] string Prefix,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] string? Endpoint = null,
    [property: Id(7)] string? Region = null,
    [property: Id(8)] string? Bucket = null,
    [property: Id(9)] bool ForcePathStyle = false,
    [property: Id(10)] bool AccessKeyIdSet = false,
    [property: Id(11)] bool SecretAccessKeySet = false,
    [property: Id(12)] DateTimeOffset? UpdatedAt = null);
