using Backupd.Modules;
using Backupd.Modules.Storage;

namespace Backupd.Storage;

/// <summary>
/// A node's S3 provider: it writes its job's one bundle with requests the master signs, and has
/// no credentials, so it cannot list or delete anything in the bucket, nor write any other key,
/// and reads only the one bundle a verify or restore job is for, with a GET the master signs.
/// Uploads are <see cref="S3BundleUploader"/>'s, as on the master: parts in parallel, paced,
/// retried per part, each with its Content-MD5, and the stored copy checked (by the master).
/// </summary>
public sealed class PresignedS3BundleStorage : IBundleStorage, IDisposable
{
    private readonly S3StorageSettings _settings;
    private readonly HttpClient _http;
    private readonly S3BundleUploader _uploader;
    private readonly S3BundleDownloader _downloader;
    private readonly IBundleUploadGrants _grants;

    /// <param name="settings">Where the bucket is; no credentials.</param>
    /// <param name="grants">The master, signing for this job.</param>
    /// <param name="options">Part size, parallelism and retries; the defaults when null.</param>
    /// <param name="timeProvider">Times backoffs and stalls; the system clock when null.</param>
    public PresignedS3BundleStorage(S3StorageSettings settings, IBundleUploadGrants grants, S3UploadOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(grants);
        options ??= new S3UploadOptions();
        options.Validate();
        timeProvider ??= TimeProvider.System;
        _settings = settings;
        _grants = grants;
        var pacing = new RequestBodyPacing();
        // Presigned URLs answer where they point; a redirect would go unsigned.
        _http = PacingHttpClientFactory.Create(pacing, options.RefusedNetworks, allowAutoRedirect: false);
        var requests = new S3Requests(settings.Bucket, pacing);
        var errors = new S3ErrorTranslator(settings);
        var retry = new S3RetryPolicy(options, timeProvider, errors);
        _uploader = new S3BundleUploader(new PresignedS3UploadChannel(grants, _http, retry), settings, options, retry, requests, errors, timeProvider);
        _downloader = new S3BundleDownloader(retry);
    }

    /// <inheritdoc/>
    public string Description =>
        $"S3 bucket {_settings.Bucket} at {_settings.EndpointForDisplay}" + (_settings.Prefix.Trim('/').Length > 0 ? $", prefix {_settings.Prefix}" : string.Empty) + " (URLs signed by the master)";

    /// <inheritdoc/>
    public Task<StoredBundleInfo> UploadAsync(BundleUpload upload, CancellationToken cancellationToken) => _uploader.UploadAsync(upload, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>Each try is a GET the master signed for this job's one bundle, from where the last one broke off.</remarks>
    public Task<StoredBundleInfo> DownloadAsync(BundleDownload download, CancellationToken cancellationToken) =>
        _downloader.DownloadAsync(download, async (fullKey, offset, token) =>
        {
            var signed = await _grants.SignGetAsync(fullKey, token).ConfigureAwait(false);
            using var request = new HttpRequestMessage(new HttpMethod(signed.Method), signed.Url);
            foreach (var (name, value) in signed.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            if (offset > 0)
            {
                request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(offset, null);
            }

            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    throw await PresignedS3UploadChannel.ErrorAsync(response, token).ConfigureAwait(false);
                }
            }

            return (await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), response);
        }, cancellationToken);

    /// <summary>Never: a node cannot delete from an S3 provider; the master applies retention there itself.</summary>
    /// <exception cref="ModuleFailedException">Always.</exception>
    public Task DeleteAsync(string fullKey, CancellationToken cancellationToken) =>
        throw new ModuleFailedException($"This node cannot delete {fullKey}: nodes hold no credentials for S3 providers, and the master deletes what retention no longer keeps itself.");

    /// <summary>Closes the HTTP client and its connections.</summary>
    public void Dispose() => _http.Dispose();
}
