namespace Backupd.Storage.Targets;

/// <summary>
/// Where a provider stores bundles, by type: what the master and the node open storage from,
/// made in one place (<see cref="StorageTargetRegistry.ToTarget"/>) from a provider's settings.
/// </summary>
/// <param name="ProviderId">The provider it belongs to, for messages.</param>
/// <param name="Prefix">The key prefix every bundle goes under; may be empty.</param>
public abstract record StorageTarget(string ProviderId, string Prefix);

/// <summary>A directory on the node that runs the job (a local disk, a NAS mount).</summary>
/// <param name="ProviderId">The provider it belongs to.</param>
/// <param name="Path">The absolute directory; it must exist on the node.</param>
/// <param name="Prefix">Sub-directories under it.</param>
public sealed record LocalFolderTarget(string ProviderId, string Path, string Prefix) : StorageTarget(ProviderId, Prefix);

/// <summary>An S3-compatible bucket.</summary>
/// <param name="ProviderId">The provider it belongs to.</param>
/// <param name="Settings">The S3 client's settings (their <c>ToString</c> hides the secret).</param>
public sealed record S3Target(string ProviderId, S3StorageSettings Settings) : StorageTarget(ProviderId, Settings.Prefix);
