using System.Runtime.CompilerServices;
using Amazon.S3;
using Backupd.Modules;
using Backupd.Modules.Storage;

namespace Backupd.Storage;

/// <summary>
/// Writes bundles to an S3-compatible bucket: AWS S3, MinIO, Ceph, Wasabi, Backblaze B2…
/// Small bundles go in one request, larger ones as a multipart upload with parts in parallel;
/// every byte passes the node's bandwidth limit, transient failures are retried, and the
/// stored copy is verified before the upload counts as done (see <see cref="S3UploadVerifier"/>).
/// </summary>
public sealed class S3BundleStorage : IBundleStorage, IStorageProbe, IDisposable
{
    // S3's most parts per upload; past it the part size grows in whole MiB.
    private const int MaximumParts = 10_000;
    private const long MiB = 1024 * 1024;

    private readonly S3StorageSettings _settings;
    private readonly S3UploadOptions _options;
    private readonly AmazonS3Client _client;
    private readonly S3Requests _requests;
    private readonly S3ErrorTranslator _errors;
    private readonly S3RetryPolicy _retry;
    private readonly S3UploadVerifier _verifier;
    private readonly S3StorageProbe _probe;
    private readonly TimeProvider _timeProvider;

    /// <param name="settings">Where the bucket is and the credentials.</param>
    /// <param name="options">Part size, parallelism and retries; the defaults when null.</param>
    /// <param name="timeProvider">Times backoffs and stalls; the system clock when null.</param>
    /// <exception cref="ArgumentException">A setting or an option is invalid; the message names it.</exception>
    public S3BundleStorage(S3StorageSettings settings, S3UploadOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _options = options ?? new S3UploadOptions();
        _options.Validate();
        _settings = settings;
        _timeProvider = timeProvider ?? TimeProvider.System;

        var pacing = new RequestBodyPacing();
        _client = S3ClientFactory.Create(settings, pacing, _options.RefusedNetworks);
        _requests = new S3Requests(settings.Bucket, pacing);
        _errors = new S3ErrorTranslator(settings);
        _retry = new S3RetryPolicy(_options, _timeProvider, _errors);
        _verifier = new S3UploadVerifier(_client, settings.Bucket, _requests, _retry, _errors, _timeProvider);
        _probe = new S3StorageProbe(_client, _requests, _retry);
    }

    /// <inheritdoc/>
    public string Description =>
        $"S3 bucket {_settings.Bucket} at {_settings.EndpointForDisplay}" + (_settings.Prefix.Trim('/').Length > 0 ? $", prefix {_settings.Prefix}" : string.Empty);

    /// <inheritdoc/>
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

        var fullKey = BundleKey.WithPrefix(_settings.Prefix, upload.Key);
        var progress = new UploadProgress(upload.Progress);
        var partSize = PartSizeFor(upload.Size);
        var multipart = upload.Size > partSize;
        var digest = multipart
            ? await new S3MultipartUpload(_client, _settings, _options, _retry, _requests, _errors, _timeProvider)
                .RunAsync(upload, fullKey, partSize, progress, cancellationToken).ConfigureAwait(false)
            : await PutAsync(upload, fullKey, progress, cancellationToken).ConfigureAwait(false);

        await _verifier.VerifyAsync(fullKey, upload, digest, multipart, cancellationToken).ConfigureAwait(false);
        return new StoredBundleInfo(fullKey, upload.Size, digest.Sha256Hex);
    }

    /// <inheritdoc/>
    /// <exception cref="ModuleFailedException">The store refused or could not be reached.</exception>
    public async Task DeleteAsync(string fullKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fullKey);
        await _retry.RunAsync(
            $"deleting {fullKey}",
            deadline => _client.DeleteObjectAsync(_requests.Delete(fullKey), deadline.Token),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The objects whose keys start with <paramref name="keyPrefix"/> under the provider's prefix, with full keys.</summary>
    /// <param name="keyPrefix">A key prefix below the provider's prefix, such as <c>node-1/wordpress/</c>; empty for all.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    /// <exception cref="ModuleFailedException">The store refused or could not be reached.</exception>
    public async IAsyncEnumerable<StoredObject> ListAsync(string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyPrefix);
        var prefix = BundleKey.WithPrefix(_settings.Prefix, keyPrefix);
        string? continuation = null;
        do
        {
            var page = await _retry.RunAsync(
                $"listing the keys under '{prefix}'",
                deadline => _client.ListObjectsV2Async(_requests.List(prefix, continuation), deadline.Token),
                cancellationToken).ConfigureAwait(false);
            foreach (var found in page.S3Objects ?? [])
            {
                var modified = found.LastModified ?? DateTime.UnixEpoch;
                yield return new StoredObject(found.Key, found.Size ?? 0, new DateTimeOffset(modified.ToUniversalTime()));
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
    }

    public Task<StorageProbeResult> ProbeAsync(CancellationToken cancellationToken) =>
        _probe.RunAsync(BundleKey.WithPrefix(_settings.Prefix, $".backupd-probe-{Guid.NewGuid():N}"), cancellationToken);

    /// <summary>Closes the S3 client and its connections.</summary>
    public void Dispose() => _client.Dispose();

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
        return Math.Max(_options.PartSize, (fitting + MiB - 1) / MiB * MiB);
    }

    private async Task<BundleDigest> PutAsync(BundleUpload upload, string fullKey, UploadProgress progress, CancellationToken cancellationToken)
    {
        // Hashed first: Content-MD5 has to be sent before the body, and a bundle that no longer
        // matches its SHA-256 is not worth sending.
        var digest = await BundleDigest.ReadAsync(upload.LocalPath, Math.Max(1, upload.Size), null, cancellationToken).ConfigureAwait(false);
        RequireExpectedSha256(upload, digest);
        await _retry.RunAsync(
            $"uploading {fullKey}",
            async deadline =>
            {
                using var scope = _requests.BeginTransfer(upload.Bandwidth, progress, deadline);
                var response = await _client.PutObjectAsync(_requests.Put(fullKey, upload.LocalPath, digest, upload.Sha256Hex), deadline.Token).ConfigureAwait(false);
                S3ETag.RequireSentMd5(response.ETag, digest.Md5, partNumber: 1);
                scope.Keep();
                return response;
            },
            cancellationToken).ConfigureAwait(false);
        return digest;
    }
}
