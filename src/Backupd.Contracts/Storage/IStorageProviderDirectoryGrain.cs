namespace Backupd.Contracts.Storage;

/// <summary>The ids of all storage providers (key 0).</summary>
[Alias("backupd.storage.IStorageProviderDirectoryGrain")]
public interface IStorageProviderDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds an id.</summary>
    [Alias("Add")]
    Task AddAsync(string providerId);

    /// <summary>Removes an id.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string providerId);

    /// <summary>All ids, oldest first.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> ListAsync();
}
