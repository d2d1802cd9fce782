using Backupd.Modules;
using Backupd.Modules.Storage;

namespace Backupd.Storage;

/// <summary>
/// Copies a stored bundle onto the node's disk with the upload's retries: a request that fails
/// or stalls is sent again for the bytes still missing (a ranged GET), so a broken connection
/// late in a large bundle costs only what was lost. How each GET is sent (with the provider's
/// credentials, or to a URL the master signed) is the caller's.
/// </summary>
internal sealed class S3BundleDownloader(S3RetryPolicy retry)
{
    /// <summary>Opens the object's body from <c>offset</c> on; the returned owner is disposed with it.</summary>
    public delegate Task<(Stream Body, IDisposable Owner)> OpenAt(string fullKey, long offset, CancellationToken cancellationToken);

    public async Task<StoredBundleInfo> DownloadAsync(BundleDownload download, OpenAt open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(download);
        await using var copy = new BundleDownloadFile(download);
        await retry.RunAsync(
            $"downloading {download.FullKey}",
            async deadline =>
            {
                if (copy.Complete && download.Size > 0)
                {
                    // A range from the object's end is not satisfiable; a smaller object was caught at its end below.
                    return true;
                }

                var (body, owner) = await open(download.FullKey, copy.Received, deadline.Token).ConfigureAwait(false);
                using (owner)
                await using (body.ConfigureAwait(false))
                {
                    await copy.AppendAsync(body, deadline.Touch, deadline.Token).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken).ConfigureAwait(false);
        return await copy.FinishAsync().ConfigureAwait(false);
    }
}
