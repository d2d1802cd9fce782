using Amazon.S3;
using Amazon.S3.Model;
using Backupd.Contracts.NodeApi;
using Backupd.Modules;

namespace Backupd.Storage;

/// <summary>
/// The master's half of a node's upload to an S3 provider: it holds the credentials, so it
/// signs each body request for one key (and one part of one upload) for a short time, and makes
/// the requests that shape the object itself (start, complete, abort, check). What it signs can
/// write that one object and nothing else: no listing, no deleting; and it signs a GET of one
/// bundle only for the verify or restore job made for it.
/// </summary>
public sealed class S3UploadAuthority
{
    private readonly IAmazonS3 _client;
    private readonly S3StorageSettings _settings;
    private readonly S3Requests _requests;
    private readonly S3RetryPolicy _retry;
    private readonly S3UploadVerifier _verifier;
    private readonly DirectS3UploadChannel _channel;

    internal S3UploadAuthority(IAmazonS3 client, S3StorageSettings settings, S3Requests requests, S3RetryPolicy retry, S3UploadVerifier verifier)
    {
        _client = client;
        _settings = settings;
        _requests = requests;
        _retry = retry;
        _verifier = verifier;
        _channel = new DirectS3UploadChannel(client, requests, verifier);
    }

    /// <summary>A signed PUT of the whole bundle to <paramref name="fullKey"/>, carrying <paramref name="sha256Hex"/> as its metadata.</summary>
    public async Task<PresignedRequest> SignPutAsync(string fullKey, string sha256Hex, DateTimeOffset expiresAt)
    {
        var request = NewRequest(fullKey, expiresAt);
        // Signed, so the stored object's metadata is what the master was told, not what the node sends later.
        request.ContentType = S3Requests.BundleContentType;
        request.Metadata.Add(S3Requests.Sha256Metadata, sha256Hex);
        var url = await _client.GetPreSignedURLAsync(request).ConfigureAwait(false);
        return new PresignedRequest("PUT", url, new Dictionary<string, string>
        {
            ["Content-Type"] = S3Requests.BundleContentType,
            [S3Requests.Sha256Metadata] = sha256Hex,
        }, expiresAt);
    }

    /// <summary>A signed GET of <paramref name="fullKey"/>, for a verify or restore job reading that one bundle.</summary>
    public async Task<PresignedRequest> SignGetAsync(string fullKey, DateTimeOffset expiresAt)
    {
        var url = await _client.GetPreSignedURLAsync(NewRequest(fullKey, expiresAt, HttpVerb.GET)).ConfigureAwait(false);
        return new PresignedRequest("GET", url, new Dictionary<string, string>(), expiresAt);
    }

    /// <summary>A signed PUT of part <paramref name="partNumber"/> of multipart upload <paramref name="uploadId"/> of <paramref name="fullKey"/>.</summary>
    public async Task<PresignedRequest> SignPartAsync(string fullKey, string uploadId, int partNumber, DateTimeOffset expiresAt)
    {
        var request = NewRequest(fullKey, expiresAt);
        request.UploadId = uploadId;
        request.PartNumber = partNumber;
        var url = await _client.GetPreSignedURLAsync(request).ConfigureAwait(false);
        return new PresignedRequest("PUT", url, new Dictionary<string, string>(), expiresAt);
    }

    /// <summary>Starts a multipart upload whose object will carry <paramref name="sha256Hex"/>; returns its id.</summary>
    /// <exception cref="ModuleFailedException">The store refused or could not be reached; the message says why.</exception>
    public Task<string> StartMultipartAsync(string fullKey, string sha256Hex, CancellationToken cancellationToken) =>
        _retry.RunAsync(
            $"starting the multipart upload of {fullKey}",
            async deadline => (await _client.InitiateMultipartUploadAsync(_requests.Initiate(fullKey, sha256Hex), deadline.Token).ConfigureAwait(false)).UploadId,
            cancellationToken);

    /// <summary>The parts the store holds for an unfinished upload; null when the store no longer knows the upload.</summary>
    /// <exception cref="ModuleFailedException">The store refused or could not be reached; the message says why.</exception>
    public Task<IReadOnlyList<StoredPart>?> ListPartsAsync(string fullKey, string uploadId, CancellationToken cancellationToken) =>
        _retry.RunAsync<IReadOnlyList<StoredPart>?>(
            $"listing the parts of the upload of {fullKey}",
            async deadline =>
            {
                var parts = new List<StoredPart>();
                try
                {
                    // Pages of up to 1,000 parts; an upload has at most 10,000.
                    for (int? marker = null; ;)
                    {
                        var page = await _client.ListPartsAsync(_requests.ListParts(fullKey, uploadId, marker), deadline.Token).ConfigureAwait(false);
                        parts.AddRange((page.Parts ?? []).Select(part => new StoredPart(part.PartNumber ?? 0, part.Size ?? 0, part.ETag ?? string.Empty)));
                        if (page.IsTruncated != true || page.NextPartNumberMarker is not { } next)
                        {
                            return parts;
                        }

                        marker = next;
                    }
                }
                catch (AmazonS3Exception error) when (error.ErrorCode == "NoSuchUpload")
                {
                    return null;
                }
            },
            cancellationToken);

    /// <summary>Assembles the parts the node sent.</summary>
    /// <exception cref="ModuleFailedException">The store refused or could not be reached; the message says why.</exception>
    public Task CompleteMultipartAsync(string fullKey, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken)
    {
        var etags = parts.OrderBy(part => part.Number).Select(part => new PartETag(part.Number, part.ETag)).ToList();
        var attempts = 0;
        return _retry.RunAsync(
            $"completing the multipart upload of {fullKey}",
            async deadline =>
            {
                try
                {
                    attempts++;
                    await _channel.CompleteAsync(fullKey, uploadId, etags, deadline.Token).ConfigureAwait(false);
                }
                catch (AmazonS3Exception error) when (error.ErrorCode == "NoSuchUpload" && attempts > 1)
                {
                    // An earlier try completed it and its answer was lost; the check that follows tells.
                }

                return true;
            },
            cancellationToken);
    }

    /// <summary>Drops an unfinished multipart upload and its parts; no error when it is already gone.</summary>
    /// <exception cref="ModuleFailedException">The store refused or could not be reached; the message says why.</exception>
    public Task AbortMultipartAsync(string fullKey, string uploadId, CancellationToken cancellationToken) =>
        _retry.RunAsync(
            $"aborting the multipart upload of {fullKey}",
            async deadline =>
            {
                try
                {
                    await _channel.AbortAsync(fullKey, uploadId, deadline.Token).ConfigureAwait(false);
                }
                catch (AmazonS3Exception error) when (error.ErrorCode == "NoSuchUpload")
                {
                }

                return true;
            },
            cancellationToken);

    /// <summary>
    /// Checks that the store holds a bundle of <paramref name="size"/> bytes with SHA-256
    /// <paramref name="sha256Hex"/> at <paramref name="fullKey"/>, and that its ETag matches the
    /// MD5s the node read; a copy that is not deleted and refused.
    /// </summary>
    /// <exception cref="ModuleFailedException">The stored copy is not the bundle, or could not be checked; the message says which.</exception>
    /// <exception cref="ArgumentException">The checksums are not MD5s.</exception>
    public Task VerifyAsync(string fullKey, long size, string sha256Hex, BundleChecksums checksums, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checksums);
        byte[] Md5(string hex) => hex.Length == 32 ? Convert.FromHexString(hex) : throw new ArgumentException($"'{hex}' is not an MD5 in hex.", nameof(checksums));
        var digest = new BundleDigest(size, sha256Hex, Md5(checksums.Md5Hex), [.. checksums.PartMd5Hex.Select(Md5)]);
        return _verifier.VerifyAsync(fullKey, digest, checksums.Multipart, cancellationToken);
    }

    private GetPreSignedUrlRequest NewRequest(string fullKey, DateTimeOffset expiresAt, HttpVerb verb = HttpVerb.PUT) => new()
    {
        BucketName = _settings.Bucket,
        Key = fullKey,
        Verb = verb,
        Expires = expiresAt.UtcDateTime,
        // The SDK signs for HTTPS unless told; a custom http:// endpoint (a LAN MinIO) gets http URLs.
        Protocol = _settings.HasCustomEndpoint && _settings.Endpoint!.Trim().StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS,
    };
}
