using Backupd.Modules.Resources;

namespace Backupd.Modules.Storage;

/// <summary>
/// Puts every upload to and download from <paramref name="inner"/> through one <see cref="BandwidthLimiter"/>, whatever
/// the target: the node wraps each storage it opens with its shared limit, so no module has to
/// remember it. The target paces where its bytes leave (S3 at the socket, a local folder in its
/// copy loop), which is why the limit travels with the upload rather than as a wrapping stream.
/// </summary>
public sealed class BandwidthLimitedStorage(IBundleStorage inner, BandwidthLimiter limiter) : IBundleStorage, IDisposable
{
    /// <summary>The storage whose uploads are limited.</summary>
    public IBundleStorage Inner => inner;

    public string Description => inner.Description;

    public Task<StoredBundleInfo> UploadAsync(BundleUpload upload, CancellationToken cancellationToken) =>
        inner.UploadAsync(upload with { Bandwidth = limiter }, cancellationToken);

    public Task<StoredBundleInfo> DownloadAsync(BundleDownload download, CancellationToken cancellationToken) =>
        inner.DownloadAsync(download with { Bandwidth = limiter }, cancellationToken);

    public Task DeleteAsync(string fullKey, CancellationToken cancellationToken) => inner.DeleteAsync(fullKey, cancellationToken);

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
