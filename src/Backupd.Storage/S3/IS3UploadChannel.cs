using Amazon.S3.Model;
using Backupd.Contracts.NodeApi;
using Backupd.Modules.Storage;

namespace Backupd.Storage;

/// <summary>
/// The requests one bundle upload makes, each a single try (the caller retries): sent by whoever
/// may sign them. <see cref="DirectS3UploadChannel"/> signs with the provider's credentials (the
/// master); <see cref="PresignedS3UploadChannel"/> sends the bytes to URLs the master signed and
/// leaves starting, completing, aborting and checking the upload to the master (a node).
/// </summary>
internal interface IS3UploadChannel
{
    /// <summary>
    /// Starts a multipart upload of <paramref name="upload"/> under <paramref name="fullKey"/>, or
    /// goes on with one an earlier try began; returns its upload id and the parts already stored.
    /// </summary>
    Task<MultipartUploadStarted> InitiateAsync(string fullKey, BundleUpload upload, long partSize, CancellationToken cancellationToken);

    /// <summary>Sends one part; returns the ETag the store gave it.</summary>
    Task<string?> UploadPartAsync(string fullKey, string uploadId, BundleUpload upload, BundlePart part, CancellationToken cancellationToken);

    /// <summary>Assembles the parts into the object.</summary>
    Task CompleteAsync(string fullKey, string uploadId, List<PartETag> etags, CancellationToken cancellationToken);

    /// <summary>Drops an unfinished upload and its parts.</summary>
    Task AbortAsync(string fullKey, string uploadId, CancellationToken cancellationToken);

    /// <summary>Sends a whole bundle in one request; returns the ETag the store gave it.</summary>
    Task<string?> PutAsync(string fullKey, BundleUpload upload, BundleDigest digest, CancellationToken cancellationToken);

    /// <summary>
    /// Checks that the store holds the bundle (size, SHA-256 metadata, ETag), with its own retries;
    /// a copy that is not the bundle is deleted and a <see cref="Modules.ModuleFailedException"/> thrown.
    /// </summary>
    Task VerifyAsync(string fullKey, BundleDigest digest, bool multipart, CancellationToken cancellationToken);
}
