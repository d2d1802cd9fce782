using Backupd.Contracts.Storage;

namespace Backupd.Grains.Storage;

/// <summary>Stored state of a storage provider.</summary>
[GenerateSerializer, Alias("backupd.storage.StorageProviderState")]
public sealed class StorageProviderState
{
    [Id(0)] public StorageProviderDefinition? Definition { get; set; }

    [Id(1)] public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Stored state of the provider directory.</summary>
[GenerateSerializer, Alias("backupd.storage.StorageProviderDirectoryState")]
public sealed class StorageProviderDirectoryState
{
    [Id(0)] public List<string> ProviderIds { get; set; } = [];
}
