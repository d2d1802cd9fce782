using System.Net;
using Backupd.Contracts.NodeApi;
using Backupd.Modules;
using Backupd.Storage;

namespace Backupd.Node.Jobs;

/// <summary>
/// The master signing one job's upload, asked over the node API for this attempt. A master that
/// is away (restarting) is waited for, up to <paramref name="masterAwayBudget"/>: the upload goes
/// on where it was once it is back.
/// </summary>
public sealed class MasterUploadGrants(MasterLink master, string jobId, int attempt, TimeSpan masterAwayBudget, TimeProvider time, Action<string>? masterAway = null) : IBundleUploadGrants
{
    public async Task<string> StartMultipartAsync(string fullKey, long size, string sha256Hex, long partSize, CancellationToken cancellationToken) =>
        (await SendAsync<MultipartUploadStarted>(NodeApiRoutes.BundleMultipart(jobId), new(attempt, fullKey) { Size = size, Sha256Hex = sha256Hex, PartSize = partSize }, cancellationToken))!.UploadId;

    public async Task<PresignedRequest> SignPutAsync(string fullKey, long size, string sha256Hex, CancellationToken cancellationToken) =>
        (await SendAsync<PresignedRequest>(NodeApiRoutes.BundleUrl(jobId), new(attempt, fullKey) { Size = size, Sha256Hex = sha256Hex }, cancellationToken))!;

    public async Task<PresignedRequest> SignPartAsync(string fullKey, string uploadId, int partNumber, CancellationToken cancellationToken) =>
        (await SendAsync<PresignedRequest>(NodeApiRoutes.BundleUrl(jobId), new(attempt, fullKey) { UploadId = uploadId, PartNumber = partNumber }, cancellationToken))!;

    public Task CompleteMultipartAsync(string fullKey, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken) =>
        SendAsync<object>(NodeApiRoutes.BundleComplete(jobId), new(attempt, fullKey) { UploadId = uploadId, Parts = parts }, cancellationToken);

    public Task AbortMultipartAsync(string fullKey, string uploadId, CancellationToken cancellationToken) =>
        SendAsync<object>(NodeApiRoutes.BundleAbort(jobId), new(attempt, fullKey) { UploadId = uploadId }, cancellationToken);

    public Task VerifyAsync(string fullKey, long size, string sha256Hex, BundleChecksums checksums, CancellationToken cancellationToken) =>
        SendAsync<object>(NodeApiRoutes.BundleVerify(jobId), new(attempt, fullKey) { Size = size, Sha256Hex = sha256Hex, Checksums = checksums }, cancellationToken);

    private async Task<T?> SendAsync<T>(string route, BundleUploadRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await master.CallAsync((api, ct) => api.SendUploadStepAsync<T>(route, request, ct), masterAwayBudget, time, cancellationToken, masterAway);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is { } status && (int)status is >= 400 and < 500 && status != HttpStatusCode.RequestTimeout)
        {
            // The master's answer is final (the store refused, or the step was not allowed):
            // a retry would get the same. Network failures and 5xx stay retryable.
            throw new ModuleFailedException(ex.Message.Split(": ", 2) is [_, var detail] ? detail : ex.Message, ex);
        }
    }
}
