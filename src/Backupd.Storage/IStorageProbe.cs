namespace Backupd.Storage;

/// <summary>Storage the master can try out: write, read back and delete a small object.</summary>
public interface IStorageProbe
{
    /// <summary>
    /// Writes a small object under the prefix, reads it back and deletes it: whether the
    /// endpoint, the credentials, the bucket and the permissions all work, and if not, which step
    /// failed and why. Each step is tried once, so the answer comes quickly.
    /// </summary>
    Task<StorageProbeResult> ProbeAsync(CancellationToken cancellationToken);
}
