namespace Backupd.Contracts.Storage;

/// <summary>One storage provider, keyed by provider id. Reached only inside the master.</summary>
[Alias("backupd.storage.IStorageProviderGrain")]
public interface IStorageProviderGrain : IGrainWithStringKey
{
    /// <summary>Records a new provider (definition already validated).</summary>
    [Alias("Create")]
    Task<StorageProviderSummary> CreateAsync(StorageProviderDefinition definition);

    /// <summary>The provider without secrets; null when none exists.</summary>
    [Alias("Get")]
    Task<StorageProviderSummary?> GetAsync();

    /// <summary>Everything a node needs to write to it; null when none exists.</summary>
    [Alias("GetTargetSettings")]
    Task<StorageTargetSettings?> GetTargetSettingsAsync();
}
