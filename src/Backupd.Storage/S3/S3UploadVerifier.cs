using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Backupd.Modules;

namespace Backupd.Storage;

/// <summary>
/// Checks that what the store holds is the bundle: its size, the SHA-256 in its metadata, and
/// evidence computed by the store from the bytes it received.
/// </summary>
/// <remarks>
/// The evidence: the bundle's SHA-256 was checked against the file while its MD5s were being
/// computed, in the same read. The store computes the ETag from the bytes it holds: the MD5 for a
/// plain upload; for a multipart upload, either the MD5 of the parts' MD5s plus "-N" (AWS, MinIO,
/// Ceph…) or the object's MD5 (s3rver). An ETag that matches ties the stored bytes to the hashed
/// file without downloading gigabytes again. Small bundles are also downloaded and hashed with
/// SHA-256, which costs little and also covers stores whose ETag is opaque (SSE-KMS, SSE-C);
/// for a large bundle with an opaque ETag, the Content-MD5 the store checked on every part is
/// what remains.
/// </remarks>
internal sealed class S3UploadVerifier(IAmazonS3 client, string bucket, S3Requests requests, S3RetryPolicy retry, S3ErrorTranslator errors, TimeProvider timeProvider)
{
    private static readonly TimeSpan DeleteTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Bundles up to this size are downloaded again and hashed.</summary>
    internal const long FullReadBackLimit = 8L * 1024 * 1024;

    public async Task VerifyAsync(string fullKey, BundleDigest digest, bool multipart, CancellationToken cancellationToken)
    {
        var head = await retry.RunAsync(
            $"checking the stored copy of {fullKey}",
            deadline => client.GetObjectMetadataAsync(requests.Head(fullKey), deadline.Token),
            cancellationToken).ConfigureAwait(false);

        var problem = Compare(head, digest, multipart);
        if (problem is null && digest.Size <= FullReadBackLimit)
        {
            var stored = await ReadBackSha256Async(fullKey, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(stored, digest.Sha256Hex, StringComparison.OrdinalIgnoreCase))
            {
                problem = $"reading it back gave SHA-256 {stored}, expected {digest.Sha256Hex}";
            }
        }

        if (problem is not null)
        {
            var deleted = await TryDeleteAsync(fullKey).ConfigureAwait(false);
            throw new ModuleFailedException(errors.Redact(
                $"The bundle stored at s3://{bucket}/{fullKey} is not the one sent: {problem}. "
                + (deleted ? "The stored copy was deleted" : "Deleting the stored copy failed; delete it by hand")
                + "; run the backup again. If this repeats, the storage service or the network is damaging data."));
        }
    }

    private static string? Compare(GetObjectMetadataResponse head, BundleDigest digest, bool multipart)
    {
        if (head.ContentLength != digest.Size)
        {
            return $"it has {head.ContentLength} bytes, expected {digest.Size}";
        }

        var sha256 = head.Metadata[S3Requests.Sha256Metadata];
        if (!string.Equals(sha256, digest.Sha256Hex, StringComparison.OrdinalIgnoreCase))
        {
            return sha256 is null
                ? "its x-amz-meta-sha256 metadata is missing (does the store keep user metadata?)"
                : $"its x-amz-meta-sha256 metadata is {sha256}, expected {digest.Sha256Hex}";
        }

        if (S3ETag.IsMd5Shaped(head.ETag) && !S3ETag.Matches(head.ETag, digest, multipart))
        {
            return $"its ETag {head.ETag} does not match the MD5 of the bytes sent";
        }

        return null;
    }

    private Task<string> ReadBackSha256Async(string fullKey, CancellationToken cancellationToken) =>
        retry.RunAsync(
            $"reading back {fullKey}",
            async deadline =>
            {
                using var response = await client.GetObjectAsync(requests.Get(fullKey), deadline.Token).ConfigureAwait(false);
                var hash = await SHA256.HashDataAsync(response.ResponseStream, deadline.Token).ConfigureAwait(false);
                return Convert.ToHexStringLower(hash);
            },
            cancellationToken);

    private async Task<bool> TryDeleteAsync(string fullKey)
    {
        using var timeout = new CancellationTokenSource(DeleteTimeout, timeProvider);
        try
        {
            await client.DeleteObjectAsync(requests.Delete(fullKey), timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception)
        {
            // The mismatch is what the user needs to hear about, and the job fails with it either
            // way: a damaged copy that could not be deleted is never reported as stored.
            return false;
        }
    }
}
