namespace Backupd.Modules.Storage;

/// <summary>A place bundles are written to: a local folder, an S3 bucket…</summary>
public interface IBundleStorage
{
    /// <summary>Where it writes, for logs (never a secret).</summary>
    string Description { get; }

    /// <summary>
    /// Writes a bundle under its key (the target adds its own prefix), then checks that what
    /// was stored has the expected size and SHA-256.
    /// </summary>
    /// <returns>The full key and the verified size and hash.</returns>
    Task<StoredBundleInfo> UploadAsync(BundleUpload upload, CancellationToken cancellationToken);

    /// <summary>
    /// Copies a stored bundle into <see cref="BundleDownload.LocalPath"/>, going on where it broke
    /// off when the connection fails, and hashes what it received.
    /// </summary>
    /// <returns>The full key, and the size and SHA-256 of what was received (for the caller to hold against the record).</returns>
    /// <exception cref="ModuleFailedException">The bundle is not there, is larger than recorded, or could not be read; the message says which.</exception>
    Task<StoredBundleInfo> DownloadAsync(BundleDownload download, CancellationToken cancellationToken);

    /// <summary>Deletes a bundle by its full key; no error when it is already gone.</summary>
    Task DeleteAsync(string fullKey, CancellationToken cancellationToken);
}
