using Backupd.Contracts.Storage;

namespace Backupd.Grains.Storage;

/// <summary>Deletes bundles that retention no longer keeps; the master implements it per provider type.</summary>
public interface IBundlePruner
{
    /// <summary>Whether the master deletes this provider's bundles itself; otherwise a prune job on the node does (a local folder).</summary>
    bool DeletesFromMaster(StorageTargetSettings target);

    /// <summary>Deletes one bundle by its full key; no error when it is already gone.</summary>
    /// <exception cref="NotSupportedException">The provider's bundles cannot be deleted from the master.</exception>
    Task DeleteAsync(StorageTargetSettings target, string fullKey, CancellationToken cancellationToken);
}
