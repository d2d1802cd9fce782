using Backupd.Contracts.Storage;
using Backupd.Grains.Storage;
using Backupd.Master.Storage;

namespace Backupd.Master.Schedules;

/// <summary>Deletes pruned bundles from the master, which holds the providers' credentials.</summary>
public sealed class StorageBundlePruner(ProviderStorage providers) : IBundlePruner
{
    public async Task DeleteAsync(StorageTargetSettings target, string fullKey, CancellationToken cancellationToken)
    {
        switch (target.Type)
        {
            case StorageTypes.S3 when target.S3 is { } s3:
                using (var storage = providers.OpenS3(target, s3))
                {
                    await storage.DeleteAsync(fullKey, cancellationToken);
                }

                break;
            default:
                // A local folder is on the node that ran the job; the master cannot reach it.
                throw new NotSupportedException($"Retention cannot delete bundles of a {target.Type} provider from the master yet; delete old bundles in {target.Path} on the node.");
        }
    }
}
