using Backupd.Contracts.Storage;

namespace Backupd.Grains.Storage;

/// <summary>
/// Removes from storage what the master decides should go: bundles retention no longer keeps,
/// and uploads an attempt left unfinished. The master implements it per provider type.
/// </summary>
public interface IBundlePruner
{
    /// <summary>Whether the master deletes this provider's bundles itself; otherwise a prune job on the node does (a local folder).</summary>
    bool DeletesFromMaster(StorageTargetSettings target);

    /// <summary>Deletes one bundle by its full key; no error when it is already gone.</summary>
    /// <exception cref="NotSupportedException">The provider's bundles cannot be deleted from the master.</exception>
    Task DeleteAsync(StorageTargetSettings target, string fullKey, CancellationToken cancellationToken);

    /// <summary>Aborts an unfinished multipart upload, dropping its parts; no error when it is already gone.</summary>
    /// <exception cref="Modules.ModuleFailedException">The store refused or could not be reached; the message says why.</exception>
    Task AbortUploadAsync(StorageTargetSettings target, string fullKey, string uploadId, CancellationToken cancellationToken);
}
