using Backupd.Modules;
using Backupd.Modules.Storage;

namespace Backupd.Storage;

/// <summary>
/// Sends one bundle through an <see cref="IS3UploadChannel"/>: small bundles in one request,
/// larger ones as a multipart upload with parts in parallel; every byte passes the node's
/// bandwidth limit, transient failures are retried, and the stored copy is verified before the
/// upload counts as done. The same for a master holding the credentials and a node holding URLs.
/// </summary>
internal sealed class S3BundleUploader(
    IS3UploadChannel channel,
    S3StorageSettings settings,
    S3UploadOptions options,
    S3RetryPolicy retry,
    S3Requests requests,
    S3ErrorTranslator errors,
    TimeProvider timeProvider)
{
    // S3's most parts per upload; past it the part size grows in whole MiB.
    private const int MaximumParts = 10_000;
    private const long MiB = 1024 * 1024;

    /// <exception cref="ModuleFailedException">The bundle could not be stored or verified; the message says why and what to do.</exception>
    public async Task<StoredBundleInfo> UploadAsync(BundleUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var file = new FileInfo(upload.LocalPath);
        if (!file.Exists)
        {
            throw new ModuleFailedException($"The bundle {upload.LocalPath} to upload does not exist.");
        }

        if (file.Length != upload.Size)
        {
            throw new ModuleFailedException($"The bundle {upload.LocalPath} has {file.Length} bytes, expected {upload.Size}: it changed after it was written. Run the backup again.");
        }

        var fullKey = BundleKey.WithPrefix(settings.Prefix, upload.Key);
        var progress = new UploadProgress(upload.Progress);
        var partSize = PartSizeFor(upload.Size);
        var multipart = upload.Size > partSize;
        var digest = multipart
            ? await new S3MultipartUpload(channel, settings, options, retry, requests, errors, timeProvider)
                .RunAsync(upload, fullKey, partSize, progress, cancellationToken).ConfigureAwait(false)
            : await PutAsync(upload, fullKey, progress, cancellationToken).ConfigureAwait(false);

        await channel.VerifyAsync(fullKey, digest, multipart, cancellationToken).ConfigureAwait(false);
        return new StoredBundleInfo(fullKey, upload.Size, digest.Sha256Hex);
    }

    internal static void RequireExpectedSha256(BundleUpload upload, BundleDigest digest)
    {
        if (!string.Equals(digest.Sha256Hex, upload.Sha256Hex, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModuleFailedException(
                $"The bundle {upload.LocalPath} has SHA-256 {digest.Sha256Hex}, expected {upload.Sha256Hex}: it changed or was damaged on this node's disk after it was written. Nothing was stored; run the backup again.");
        }
    }

    private long PartSizeFor(long size)
    {
        var fitting = (size + MaximumParts - 1) / MaximumParts;
        return Math.Max(options.PartSize, (fitting + MiB - 1) / MiB * MiB);
    }

    private async Task<BundleDigest> PutAsync(BundleUpload upload, string fullKey, UploadProgress progress, CancellationToken cancellationToken)
    {
        // Hashed first: Content-MD5 has to be sent before the body, and a bundle that no longer
        // matches its SHA-256 is not worth sending.
        var digest = await BundleDigest.ReadAsync(upload.LocalPath, Math.Max(1, upload.Size), null, cancellationToken).ConfigureAwait(false);
        RequireExpectedSha256(upload, digest);
        await retry.RunAsync(
            $"uploading {fullKey}",
            async deadline =>
            {
                using var scope = requests.BeginTransfer(upload.Bandwidth, progress, deadline);
                var etag = await channel.PutAsync(fullKey, upload, digest, deadline.Token).ConfigureAwait(false);
                S3ETag.RequireSentMd5(etag, digest.Md5, partNumber: 1);
                scope.Keep();
                return etag;
            },
            cancellationToken).ConfigureAwait(false);
        return digest;
    }
}
