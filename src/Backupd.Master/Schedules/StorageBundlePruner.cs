using Backupd.Contracts.Storage;
using Backupd.Grains.Storage;
using Backupd.Master.Storage;
using Backupd.Storage;

namespace Backupd.Master.Schedules;

/// <summary>Deletes pruned bundles and aborts unfinished uploads from the master, which holds the providers' credentials.</summary>
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

    public async Task AbortUploadAsync(StorageTargetSettings target, string fullKey, string uploadId, CancellationToken cancellationToken)
    {
        using var storage = providers.Open(target) as IDisposable;
        if (storage is not S3BundleStorage s3)
        {
            throw new NotSupportedException($"A {target.Type} provider has no multipart uploads.");
        }

        await s3.Authority.AbortMultipartAsync(fullKey, uploadId, cancellationToken);
    }
}
