using Backupd.Contracts.Storage;
using Backupd.Modules.Resources;
using Backupd.Modules.Storage;
using Backupd.Node.Options;
using Backupd.Storage;
using Backupd.Storage.Targets;
using Microsoft.Extensions.Options;

namespace Backupd.Node.Jobs;

/// <summary>Opens the storage a job's provider describes, tuned to this node and under its upload limit.</summary>
public sealed class BundleStorageFactory(StorageTargetRegistry registry, ResourceManager resources, LocalFolderLeftovers leftovers, IOptions<NodeOptions> options)
{
    /// <summary>The storage for <paramref name="settings"/>; dispose it when it is <see cref="IDisposable"/>.</summary>
    /// <param name="settings">The provider's settings, without credentials.</param>
    /// <param name="grants">The master, signing this job's S3 requests.</param>
    /// <param name="nodeId">This node, whose part of a local folder is remembered for <see cref="LocalFolderLeftovers"/>.</param>
    /// <exception cref="NotSupportedException">This node does not know the provider's type.</exception>
    public IBundleStorage Create(StorageTargetSettings settings, IBundleUploadGrants grants, string nodeId)
    {
        leftovers.Remember(settings, nodeId);
        return Open(settings, grants);
    }

    private IBundleStorage Open(StorageTargetSettings settings, IBundleUploadGrants grants) => new BandwidthLimitedStorage(registry.Open(settings, new StorageOpenOptions
    {
        // Parts of one upload share the node's network slots' worth of parallelism.
        S3 = new S3UploadOptions { MaxParallelParts = resources.Limits.MaxNetwork, PartSize = options.Value.S3PartSizeMib * (1L << 20) },
        UploadGrants = grants,
    }), resources.Bandwidth);
}
