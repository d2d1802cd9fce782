using Backupd.Contracts.NodeApi;

namespace Backupd.Storage;

/// <summary>
/// What a node asks the master for while it uploads its job's bundle to an S3 provider (or reads
/// the one bundle a verify or restore job is about): the
/// master holds the credentials, signs each body request and makes the others itself. The node
/// implements it over the node API, for one job and attempt.
/// </summary>
/// <remarks>
/// Each call is one try; a network failure or a master that is away surfaces as an exception the
/// upload's retries treat like a store's own transient failure. A refusal (the job's lease is
/// gone, a key that is not the job's) is an <see cref="UnauthorizedAccessException"/>, which ends
/// the upload; a failure the master met at the store is a <see cref="Modules.ModuleFailedException"/>
/// with the store's reason.
/// </remarks>
public interface IBundleUploadGrants
{
    /// <summary>Has the master start a multipart upload to <paramref name="fullKey"/>, or go on with the one under way; returns its id and the parts already stored.</summary>
    Task<MultipartUploadStarted> StartMultipartAsync(string fullKey, long size, string sha256Hex, long partSize, CancellationToken cancellationToken);

    /// <summary>A signed PUT of the whole bundle.</summary>
    Task<PresignedRequest> SignPutAsync(string fullKey, long size, string sha256Hex, CancellationToken cancellationToken);

    /// <summary>A signed PUT of one part.</summary>
    Task<PresignedRequest> SignPartAsync(string fullKey, string uploadId, int partNumber, CancellationToken cancellationToken);

    /// <summary>Has the master complete the multipart upload from these parts.</summary>
    Task CompleteMultipartAsync(string fullKey, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken);

    /// <summary>Has the master abort the multipart upload.</summary>
    Task AbortMultipartAsync(string fullKey, string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// A signed GET of the one bundle a verify or restore job reads; the master signs it only for
    /// the key that job was made for.
    /// </summary>
    Task<PresignedRequest> SignGetAsync(string fullKey, CancellationToken cancellationToken);

    /// <summary>Has the master check the stored copy against the bundle.</summary>
    Task VerifyAsync(string fullKey, long size, string sha256Hex, BundleChecksums checksums, CancellationToken cancellationToken);
}
