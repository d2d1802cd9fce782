using Amazon.S3.Model;
using Backupd.Modules.Resources;

namespace Backupd.Storage;

/// <summary>
/// Builds the SDK requests the way every S3-compatible store accepts them: bodies sent whole
/// with Content-MD5, never as <c>aws-chunked</c> streams, which s3rver and several other stores
/// reject or store framing and all.
/// </summary>
internal sealed class S3Requests(string bucket, RequestBodyPacing pacing)
{
    /// <summary>The bundle's SHA-256 travels as <c>x-amz-meta-sha256</c>.</summary>
    public const string Sha256Metadata = "x-amz-meta-sha256";

    /// <summary>The content type bundles are stored with.</summary>
    public const string BundleContentType = "application/zstd";

    public TransferScope BeginTransfer(BandwidthLimiter? limiter, UploadProgress progress, AttemptDeadline deadline) =>
        pacing.Begin(limiter, progress, deadline);

    public PutObjectRequest Put(string key, string localPath, BundleDigest digest, string sha256) => new()
    {
        BucketName = bucket,
        Key = key,
        FilePath = localPath,
        MD5Digest = Convert.ToBase64String(digest.Md5),
        ContentType = BundleContentType,
        Metadata = { [Sha256Metadata] = sha256 },
        UseChunkEncoding = false,
    };

    /// <summary>A GET of the object from <paramref name="offset"/> to its end, whatever its size (a larger object than recorded must show).</summary>
    public GetObjectRequest Get(string key, long offset = 0) => new()
    {
        BucketName = bucket,
        Key = key,
        ByteRange = offset > 0 ? new ByteRange($"bytes={offset}-") : null,
    };

    public PutObjectRequest PutSmall(string key, byte[] content) => new()
    {
        BucketName = bucket,
        Key = key,
        InputStream = new MemoryStream(content, writable: false),
        MD5Digest = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(content)),
        UseChunkEncoding = false,
    };

    public InitiateMultipartUploadRequest Initiate(string key, string sha256) => new()
    {
        BucketName = bucket,
        Key = key,
        ContentType = BundleContentType,
        Metadata = { [Sha256Metadata] = sha256 },
    };

    public UploadPartRequest Part(string localPath, string key, string uploadId, BundlePart part) => new()
    {
        BucketName = bucket,
        Key = key,
        UploadId = uploadId,
        PartNumber = part.Number,
        FilePath = localPath,
        FilePosition = part.Offset,
        PartSize = part.Length,
        MD5Digest = part.Md5Base64,
        UseChunkEncoding = false,
    };

    public CompleteMultipartUploadRequest Complete(string key, string uploadId, List<PartETag> etags) => new()
    {
        BucketName = bucket,
        Key = key,
        UploadId = uploadId,
        PartETags = etags,
    };

    public AbortMultipartUploadRequest Abort(string key, string uploadId) => new()
    {
        BucketName = bucket,
        Key = key,
        UploadId = uploadId,
    };

    public ListPartsRequest ListParts(string key, string uploadId, int? partNumberMarker) => new()
    {
        BucketName = bucket,
        Key = key,
        UploadId = uploadId,
        PartNumberMarker = partNumberMarker?.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public GetObjectMetadataRequest Head(string key) => new() { BucketName = bucket, Key = key };

    public DeleteObjectRequest Delete(string key) => new() { BucketName = bucket, Key = key };

    public ListObjectsV2Request List(string prefix, string? continuationToken) => new()
    {
        BucketName = bucket,
        Prefix = prefix,
        ContinuationToken = continuationToken,
    };
}
