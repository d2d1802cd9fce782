using Backupd.Contracts.Storage;

namespace Backupd.Grains.Storage;

/// <inheritdoc cref="IStorageProviderDirectoryGrain"/>
public sealed class StorageProviderDirectoryGrain(
    [PersistentState("providers", StorageNames.Master)] IPersistentState<StorageProviderDirectoryState> directory) : Grain, IStorageProviderDirectoryGrain
{
    public async Task AddAsync(string providerId)
    {
        if (!directory.State.ProviderIds.Contains(providerId))
        {
            directory.State.ProviderIds.Add(providerId);
            await directory.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string providerId)
    {
        if (directory.State.ProviderIds.Remove(providerId))
        {
            await directory.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. directory.State.ProviderIds]);
}
