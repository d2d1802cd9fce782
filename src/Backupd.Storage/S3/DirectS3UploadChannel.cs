using Amazon.S3;
using Amazon.S3.Model;
using Backupd.Contracts.NodeApi;
using Backupd.Modules.Storage;

namespace Backupd.Storage;

/// <summary>The upload's requests signed with the provider's own credentials: only where those live (the master, tests).</summary>
internal sealed class DirectS3UploadChannel(IAmazonS3 client, S3Requests requests, S3UploadVerifier verifier) : IS3UploadChannel
{
    // Holding the credentials, nothing outlives this process's upload to be gone on with.
    public async Task<MultipartUploadStarted> InitiateAsync(string fullKey, BundleUpload upload, long partSize, CancellationToken cancellationToken) =>
        new((await client.InitiateMultipartUploadAsync(requests.Initiate(fullKey, upload.Sha256Hex), cancellationToken).ConfigureAwait(false)).UploadId);

    public async Task<string?> UploadPartAsync(string fullKey, string uploadId, BundleUpload upload, BundlePart part, CancellationToken cancellationToken) =>
        (await client.UploadPartAsync(requests.Part(upload.LocalPath, fullKey, uploadId, part), cancellationToken).ConfigureAwait(false)).ETag;

    public Task CompleteAsync(string fullKey, string uploadId, List<PartETag> etags, CancellationToken cancellationToken) =>
        client.CompleteMultipartUploadAsync(requests.Complete(fullKey, uploadId, etags), cancellationToken);

    public Task AbortAsync(string fullKey, string uploadId, CancellationToken cancellationToken) =>
        client.AbortMultipartUploadAsync(requests.Abort(fullKey, uploadId), cancellationToken);

    public async Task<string?> PutAsync(string fullKey, BundleUpload upload, BundleDigest digest, CancellationToken cancellationToken) =>
        (await client.PutObjectAsync(requests.Put(fullKey, upload.LocalPath, digest, upload.Sha256Hex), cancellationToken).ConfigureAwait(false)).ETag;

    public Task VerifyAsync(string fullKey, BundleDigest digest, bool multipart, CancellationToken cancellationToken) =>
        verifier.VerifyAsync(fullKey, digest, multipart, cancellationToken);
}
