using Backupd.Contracts.Storage;

namespace Backupd.Grains.Storage;

/// <summary>
/// Which nodes can read a stored bundle: any, from a provider in S3; only the node that wrote it,
/// from a local folder, which is a directory on that node (another node's directory of the same
/// name holds other things). One rule for the API's checks and the schedules' proofs alike.
/// </summary>
public static class BundleReach
{
    /// <summary>Whether <paramref name="nodeId"/> can read the bundles <paramref name="writerNodeId"/> stored in <paramref name="providerId"/>.</summary>
    public static async Task<bool> CanReadAsync(IGrainFactory grains, string providerId, string writerNodeId, string nodeId) =>
        nodeId == writerNodeId || await grains.GetGrain<IStorageProviderGrain>(providerId).GetAsync() is not { Type: StorageTypes.Local };
}
