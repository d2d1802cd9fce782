using System.Net;
using Backupd.Contracts.NodeApi;
using Backupd.Modules;
using Backupd.Node.Connection;
using Backupd.Storage;

namespace Backupd.Node.Jobs;

/// <summary>
/// The master signing one job's upload, asked over the node API for this attempt. A master that
/// is away (restarting) is waited for, up to <paramref name="masterAwayBudget"/>: the upload goes
/// on where it was once it is back.
/// </summary>
public sealed class MasterUploadGrants(MasterLink master, string jobId, int attempt, TimeSpan masterAwayBudget, TimeProvider time, Action<string>? masterAway = null) : IBundleUploadGrants
{
    public async Task<MultipartUploadStarted> StartMultipartAsync(string fullKey, long size, string sha256Hex, long partSize, CancellationToken cancellationToken) =>
        (await SendAsync<MultipartUploadStarted>(NodeApiRoutes.BundleMultipart(jobId), new(attempt, fullKey) { Size = size, Sha256Hex = sha256Hex, PartSize = partSize }, cancellationToken))!;

    public async Task<PresignedRequest> SignPutAsync(string fullKey, long size, string sha256Hex, CancellationToken cancellationToken) =>
        (await SendAsync<PresignedRequest>(NodeApiRoutes.BundleUrl(jobId), new(attempt, fullKey) { Size = size, Sha256Hex = sha256Hex }, cancellationToken))!;

    public async Task<PresignedRequest> SignPartAsync(string fullKey, string uploadId, int partNumber, CancellationToken cancellationToken) =>
        (await SendAsync<PresignedRequest>(NodeApiRoutes.BundleUrl(jobId), new(attempt, fullKey) { UploadId = uploadId, PartNumber = partNumber }, cancellationToken))!;

    public Task CompleteMultipartAsync(string fullKey, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken) =>
        SendAsync<object>(NodeApiRoutes.BundleComplete(jobId), new(attempt, fullKey) { UploadId = uploadId, Parts = parts }, cancellationToken);

    public Task AbortMultipartAsync(string fullKey, string uploadId, CancellationToken cancellationToken) =>
        SendAsync<object>(NodeApiRoutes.BundleAbort(jobId), new(attempt, fullKey) { UploadId = uploadId }, cancellationToken);

    public async Task<PresignedRequest> SignGetAsync(string fullKey, CancellationToken cancellationToken) =>
        (await SendAsync<PresignedRequest>(NodeApiRoutes.BundleRead(jobId), new(attempt, fullKey), cancellationToken))!;

    public Task VerifyAsync(string fullKey, long size, string sha256Hex, BundleChecksums checksums, CancellationToken cancellationToken) =>
        SendAsync<object>(NodeApiRoutes.BundleVerify(jobId), new(attempt, fullKey) { Size = size, Sha256Hex = sha256Hex, Checksums = checksums }, cancellationToken);

    private async Task<T?> SendAsync<T>(string route, BundleUploadRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await master.CallAsync((api, ct) => api.SendUploadStepAsync<T>(route, request, ct), masterAwayBudget, time, cancellationToken, masterAway);
        }
        catch (MasterProblemException ex) when (ex.StatusCode is { } status && (int)status is >= 400 and < 500 && status != HttpStatusCode.RequestTimeout)
        {
            // The master's answer ends this try (the store refused, or the step was not allowed);
            // whether the stage is worth running again later is the master's to say.
            throw new ModuleFailedException(ex.Detail, ex) { Transient = ex.Transient };
        }
    }
}
