namespace Backupd.Contracts.Storage;

/// <summary>A storage provider as the API shows it: never a secret.</summary>
[GenerateSerializer, Immutable, Alias("backupd.storage.StorageProviderSummary")]
public sealed record StorageProviderSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Type,
    [property: Id(3)] string? Path,
    [property: Id(4)] string Prefix,
    [property: Id(5)] DateTimeOffset CreatedAt);
