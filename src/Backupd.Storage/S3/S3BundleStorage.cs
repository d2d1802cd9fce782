using System.Runtime.CompilerServices;
using Amazon.S3;
using Backupd.Modules;
using Backupd.Modules.Storage;

namespace Backupd.Storage;

/// <summary>
/// Writes bundles to an S3-compatible bucket (AWS S3, MinIO, Ceph, Wasabi, Backblaze B2…) with
/// the provider's own credentials, and lists, deletes and tests: the master's side of a
/// provider. Nodes write through <see cref="PresignedS3BundleStorage"/> instead and never hold
/// the credentials. Uploads are <see cref="S3BundleUploader"/>'s: parts in parallel, paced,
/// retried and verified.
/// </summary>
public sealed class S3BundleStorage : IBundleStorage, IStorageProbe, IDisposable
{
    private readonly S3StorageSettings _settings;
    private readonly AmazonS3Client _client;
    private readonly S3Requests _requests;
    private readonly S3RetryPolicy _retry;
    private readonly S3UploadVerifier _verifier;
    private readonly S3BundleUploader _uploader;
    private readonly S3StorageProbe _probe;
    private readonly S3BundleDownloader _downloader;

    /// <param name="settings">Where the bucket is and the credentials.</param>
    /// <param name="options">Part size, parallelism and retries; the defaults when null.</param>
    /// <param name="timeProvider">Times backoffs and stalls; the system clock when null.</param>
    /// <exception cref="ArgumentException">A setting or an option is invalid; the message names it.</exception>
    public S3BundleStorage(S3StorageSettings settings, S3UploadOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        options ??= new S3UploadOptions();
        options.Validate();
        _settings = settings;
        timeProvider ??= TimeProvider.System;

        var pacing = new RequestBodyPacing();
        _client = S3ClientFactory.Create(settings, pacing, options.RefusedNetworks);
        _requests = new S3Requests(settings.Bucket, pacing);
        var errors = new S3ErrorTranslator(settings);
        _retry = new S3RetryPolicy(options, timeProvider, errors);
        _verifier = new S3UploadVerifier(_client, settings.Bucket, _requests, _retry, errors, timeProvider);
        _uploader = new S3BundleUploader(new DirectS3UploadChannel(_client, _requests, _verifier), settings, options, _retry, _requests, errors, timeProvider);
        _probe = new S3StorageProbe(_client, _requests, _retry);
        _downloader = new S3BundleDownloader(_retry);
    }

    /// <summary>Signs and shapes a node's upload to this bucket; only the master, which holds the credentials, has one.</summary>
    public S3UploadAuthority Authority => new(_client, _settings, _requests, _retry, _verifier);

    /// <inheritdoc/>
    public string Description =>
        $"S3 bucket {_settings.Bucket} at {_settings.EndpointForDisplay}" + (_settings.Prefix.Trim('/').Length > 0 ? $", prefix {_settings.Prefix}" : string.Empty);

    /// <inheritdoc/>
    /// <exception cref="ModuleFailedException">The bundle could not be stored or verified; the message says why and what to do.</exception>
    public Task<StoredBundleInfo> UploadAsync(BundleUpload upload, CancellationToken cancellationToken) =>
        _uploader.UploadAsync(upload, cancellationToken);

    /// <inheritdoc/>
    public Task<StoredBundleInfo> DownloadAsync(BundleDownload download, CancellationToken cancellationToken) =>
        _downloader.DownloadAsync(download, async (fullKey, offset, token) =>
        {
            var response = await _client.GetObjectAsync(_requests.Get(fullKey, offset), token).ConfigureAwait(false);
            return (response.ResponseStream, response);
        }, cancellationToken);

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

    /// <summary>The multipart uploads still open under the provider's prefix: started and never completed or aborted.</summary>
    /// <exception cref="ModuleFailedException">The store refused or could not be reached.</exception>
    public async IAsyncEnumerable<UnfinishedUpload> ListUnfinishedUploadsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prefix = _settings.Prefix.Trim('/') is { Length: > 0 } p ? p + "/" : string.Empty;
        string? keyMarker = null, uploadIdMarker = null;
        do
        {
            var page = await _retry.RunAsync(
                $"listing the unfinished uploads under '{prefix}'",
                deadline => _client.ListMultipartUploadsAsync(new Amazon.S3.Model.ListMultipartUploadsRequest
                {
                    BucketName = _settings.Bucket, Prefix = prefix, KeyMarker = keyMarker, UploadIdMarker = uploadIdMarker,
                }, deadline.Token),
                cancellationToken).ConfigureAwait(false);
            foreach (var upload in page.MultipartUploads ?? [])
            {
                yield return new UnfinishedUpload(upload.Key, upload.UploadId, new DateTimeOffset((upload.Initiated ?? DateTime.UnixEpoch).ToUniversalTime()));
            }

            (keyMarker, uploadIdMarker) = page.IsTruncated == true ? (page.NextKeyMarker, page.NextUploadIdMarker) : (null, null);
        }
        while (keyMarker is not null);
    }

    public Task<StorageProbeResult> ProbeAsync(CancellationToken cancellationToken) =>
        _probe.RunAsync(BundleKey.WithPrefix(_settings.Prefix, $".backupd-probe-{Guid.NewGuid():N}"), cancellationToken);

    /// <summary>Closes the S3 client and its connections.</summary>
    public void Dispose() => _client.Dispose();
}
