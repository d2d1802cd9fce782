using Backupd.Contracts.Storage;
using Backupd.Master.Options;
using Backupd.Modules.Storage;
using Backupd.Storage;
using Backupd.Storage.Targets;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Storage;

/// <summary>Opens, on the master, the storage a provider's released settings describe, never towards a refused network.</summary>
public sealed class ProviderStorage(StorageTargetRegistry registry, IOptions<MasterOptions> options)
{
    /// <summary>The networks the master does not connect to (<c>BACKUPD_PROVIDER_REFUSED_NETWORKS</c>).</summary>
    public IReadOnlyList<System.Net.IPNetwork> RefusedNetworks { get; } = options.Value.RefusedNetworks;

    /// <summary>Whether the master can reach this provider's storage itself; a local folder is on the node.</summary>
    public bool IsReachable(StorageTargetSettings target) => registry.Find(target.Type)?.ReachableFromMaster == true;

    /// <summary>The storage of <paramref name="target"/>, which must be <see cref="IsReachable">reachable</see>; dispose it when it is <see cref="IDisposable"/>.</summary>
    public IBundleStorage Open(StorageTargetSettings target) =>
        registry.Open(target, new StorageOpenOptions { S3 = new S3UploadOptions { RefusedNetworks = RefusedNetworks } });
}
