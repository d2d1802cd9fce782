using Backupd.Contracts.Storage;

namespace Backupd.Grains.Storage;

/// <summary>
/// The provider index: one row per storage provider in the master database, written by
/// <see cref="StorageProviderGrain"/> after each write of its state, read by the provider list.
/// </summary>
public interface IProviderIndex
{
    /// <summary>Writes the row of <paramref name="provider"/>, made from the state of version <paramref name="stateVersion"/>; a newer row is kept.</summary>
    Task UpsertAsync(StorageProviderSummary provider, long stateVersion, CancellationToken cancellationToken = default);

    /// <summary>Removes the row of a provider that has no state.</summary>
    Task RemoveAsync(string providerId, CancellationToken cancellationToken = default);

    /// <summary>Every provider, oldest first.</summary>
    Task<IReadOnlyList<StorageProviderSummary>> ListAsync(CancellationToken cancellationToken = default);
}
