using Backupd.Contracts.Storage;
using Backupd.Grains.Storage;
using Backupd.Master.Storage;

namespace Backupd.Master.Schedules;

/// <summary>Deletes pruned bundles from the master, which holds the providers' credentials.</summary>
public sealed class StorageBundlePruner(ProviderStorage providers) : IBundlePruner
{
    public bool DeletesFromMaster(StorageTargetSettings target) => providers.IsReachable(target);

    public async Task DeleteAsync(StorageTargetSettings target, string fullKey, CancellationToken cancellationToken)
    {
        if (!providers.IsReachable(target))
        {
            // A local folder is on the node that ran the job; the master cannot reach it.
            throw new NotSupportedException($"Retention cannot delete bundles of a {target.Type} provider from the master; a prune job on the node does.");
        }

        var storage = providers.Open(target);
        try
        {
            await storage.DeleteAsync(fullKey, cancellationToken);
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }
    }
}
