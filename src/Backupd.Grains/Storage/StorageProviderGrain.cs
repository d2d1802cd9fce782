using Backupd.Contracts.Storage;

namespace Backupd.Grains.Storage;

/// <inheritdoc cref="IStorageProviderGrain"/>
public sealed class StorageProviderGrain(
    [PersistentState("provider", StorageNames.Master)] IPersistentState<StorageProviderState> provider,
    TimeProvider time) : Grain, IStorageProviderGrain
{
    private StorageProviderDefinition? Definition => provider.RecordExists ? provider.State.Definition : null;

    private string ProviderId => this.GetPrimaryKeyString();

    public async Task<StorageProviderSummary> CreateAsync(StorageProviderDefinition definition)
    {
        if (Definition is not null)
        {
            throw new InvalidOperationException($"Provider {ProviderId} already exists.");
        }

        provider.State.Definition = definition;
        provider.State.CreatedAt = time.GetUtcNow();
        await provider.WriteStateAsync();
        await GrainFactory.GetGrain<IStorageProviderDirectoryGrain>(0).AddAsync(ProviderId);
        return Summary(definition);
    }

    public Task<StorageProviderSummary?> GetAsync() => Task.FromResult(Definition is { } d ? Summary(d) : null);

    public Task<StorageTargetSettings?> GetTargetSettingsAsync() =>
        Task.FromResult(Definition is { } d ? new StorageTargetSettings(ProviderId, d.Type, d.Path, d.Prefix) : null);

    private StorageProviderSummary Summary(StorageProviderDefinition d) =>
        new(ProviderId, d.Name, d.Type, d.Path, d.Prefix, provider.State.CreatedAt);
}
