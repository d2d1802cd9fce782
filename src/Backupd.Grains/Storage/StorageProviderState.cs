using Backupd.Contracts.Storage;

namespace Backupd.Grains.Storage;

/// <summary>Stored state of a storage provider. Credentials appear only as encrypted tokens.</summary>
[GenerateSerializer, Alias("backupd.storage.StorageProviderState")]
public sealed class StorageProviderState
{
    /// <summary>The definition with its credentials taken out.</summary>
    [Id(0)] public StorageProviderDefinition? Definition { get; set; }

    [Id(1)] public DateTimeOffset CreatedAt { get; set; }

    [Id(2)] public string? EncryptedAccessKeyId { get; set; }

    [Id(3)] public string? EncryptedSecretAccessKey { get; set; }

    [Id(4)] public DateTimeOffset? UpdatedAt { get; set; }
}
