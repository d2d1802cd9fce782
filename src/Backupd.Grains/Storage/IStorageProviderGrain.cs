using Backupd.Contracts.Storage;
using Backupd.Grains.Indexing;
using Backupd.Grains.Secrets;
namespace Backupd.Grains.Storage;

/// <summary>One storage provider, keyed by provider id. Reached only inside the master.</summary>
[Alias("backupd.storage.IStorageProviderGrain")]
public interface IStorageProviderGrain : IIndexedGrain, Secrets.ISecretHolder
{
    /// <summary>Records a new provider (definition already validated); secrets are encrypted before they are stored.</summary>
    [Alias("Create")]
    Task<StorageProviderSummary> CreateAsync(StorageProviderDefinition definition);

    /// <summary>
    /// Replaces the definition. A null access key id or secret in <paramref name="definition"/>
    /// keeps the stored one, so an admin can change a bucket without re-typing credentials.
    /// </summary>
    [Alias("Update")]
    Task<StorageProviderSummary?> UpdateAsync(StorageProviderDefinition definition);

    /// <summary>Removes the provider; the caller checks first that nothing uses it.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();

    /// <summary>The provider without secrets; null when none exists.</summary>
    [Alias("Get")]
    Task<StorageProviderSummary?> GetAsync();

    /// <summary>Everything a node needs to write to it, secrets decrypted; null when none exists.</summary>
    [Alias("GetTargetSettings")]
    Task<StorageTargetSettings?> GetTargetSettingsAsync();
}
