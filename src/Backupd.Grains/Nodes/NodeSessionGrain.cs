using Backupd.Contracts.Jobs;
using Backupd.Contracts.Nodes;
using Backupd.Contracts.Storage;
using Backupd.Grains.Jobs;
using Backupd.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace Backupd.Grains.Nodes;

/// <inheritdoc cref="INodeSessionGrain"/>
public sealed partial class NodeSessionGrain(ILogger<NodeSessionGrain> logger) : Grain, INodeSessionGrain
{
    public async Task HeartbeatAsync(string apiKey, NodeCapabilities capabilities)
    {
        var node = await AuthenticateAsync(apiKey);
        await node.RecordHeartbeatAsync(capabilities);
    }

    public async Task SubscribeJobsAsync(string apiKey, INodeJobObserver observer)
    {
        await AuthenticateAsync(apiKey);
        await Queue.SubscribeAsync(observer);
    }

    public async Task<JobAssignment?> TakeJobAsync(string apiKey)
    {
        await AuthenticateAsync(apiKey);
        return await Queue.StartNextAsync();
    }

    public async Task<LeaseStatus> ReportJobAsync(string apiKey, string jobId, int attempt, JobProgressReport report)
    {
        await AuthenticateAsync(apiKey);
        return await GrainFactory.GetGrain<IJobGrain>(jobId).ReportAsync(NodeId, attempt, report);
    }

    public async Task<LeaseStatus> ReleaseJobAsync(string apiKey, string jobId, int attempt, string reason, JobProgressReport report, bool keptWork)
    {
        await AuthenticateAsync(apiKey);
        return await GrainFactory.GetGrain<IJobGrain>(jobId).ReleaseAsync(NodeId, attempt, reason, report, keptWork);
    }

    public async Task<LeaseStatus> FinishJobAsync(string apiKey, string jobId, int attempt, JobOutcome outcome)
    {
        await AuthenticateAsync(apiKey);
        return await GrainFactory.GetGrain<IJobGrain>(jobId).FinishAsync(NodeId, attempt, outcome);
    }

    public async Task<StorageTargetSettings> GetJobStorageAsync(string apiKey, string jobId, int attempt, string providerId)
    {
        await AuthenticateAsync(apiKey);
        if (!await GrainFactory.GetGrain<IJobGrain>(jobId).MayReleaseStorageAsync(NodeId, attempt, providerId)
            || await GrainFactory.GetGrain<IStorageProviderGrain>(providerId).GetTargetSettingsAsync() is not { } settings)
        {
            LogStorageRefused(NodeId, jobId, attempt, providerId);
            throw new UnauthorizedAccessException($"Node {NodeId} may not have the settings of provider {providerId} for job {jobId}: the job must be running on this node and use that provider.");
        }

        LogStorageReleased(NodeId, jobId, providerId);
        // Where the bucket is, never who may write to it: the node's requests are signed by the master.
        return settings with { S3 = settings.S3 is { } s3 ? s3 with { AccessKeyId = null, SecretAccessKey = null } : null };
    }

    public async Task<BundleUploadRecord> PlaceBundleAsync(string apiKey, string jobId, int attempt, string site, string? sha256Hex)
    {
        await AuthenticateAsync(apiKey);
        return await GrainFactory.GetGrain<IJobGrain>(jobId).PlaceBundleAsync(NodeId, attempt, site, sha256Hex)
            ?? throw new UnauthorizedAccessException($"Node {NodeId} does not run attempt {attempt} of job {jobId}.");
    }

    public async Task<BundleUploadTicket> AuthorizeUploadAsync(string apiKey, string jobId, int attempt, BundleUploadStep step)
    {
        await AuthenticateAsync(apiKey);
        var job = GrainFactory.GetGrain<IJobGrain>(jobId);
        var upload = await job.AuthorizeUploadAsync(NodeId, attempt, step)
            ?? throw new UnauthorizedAccessException($"Node {NodeId} may not write '{step.FullKey}': it must be the bundle the master placed for attempt {attempt} of job {jobId}, which this node runs.");
        var providerId = (await job.GetAsync())!.ProviderId;
        var settings = await GrainFactory.GetGrain<IStorageProviderGrain>(providerId).GetTargetSettingsAsync()
            ?? throw new InvalidOperationException($"Provider {providerId} of job {jobId} no longer exists.");
        return new BundleUploadTicket(settings, upload);
    }

    public async Task<StorageTargetSettings> AuthorizeBundleReadAsync(string apiKey, string jobId, int attempt, string fullKey)
    {
        await AuthenticateAsync(apiKey);
        var job = GrainFactory.GetGrain<IJobGrain>(jobId);
        if (!await job.AuthorizeReadAsync(NodeId, attempt, fullKey))
        {
            throw new UnauthorizedAccessException($"Node {NodeId} may not read '{fullKey}': only a verify or restore job this node runs may read, and only the bundle it was made for.");
        }

        var providerId = (await job.GetAsync())!.ProviderId;
        return await GrainFactory.GetGrain<IStorageProviderGrain>(providerId).GetTargetSettingsAsync()
            ?? throw new InvalidOperationException($"Provider {providerId} of job {jobId} no longer exists.");
    }

    public async Task<string?> RecordUploadAsync(string apiKey, string jobId, int attempt, BundleUploadChange change)
    {
        await AuthenticateAsync(apiKey);
        return await GrainFactory.GetGrain<IJobGrain>(jobId).RecordUploadAsync(NodeId, attempt, change);
    }

    public async Task<NodeCertificate> RenewCertificateAsync(string apiKey, string callerSerialNumber, string certificateRequestPem)
    {
        var node = await AuthenticateAsync(apiKey);
        return await node.RenewCertificateAsync(callerSerialNumber, certificateRequestPem);
    }

    private string NodeId => this.GetPrimaryKeyString();

    private INodeJobQueueGrain Queue => GrainFactory.GetGrain<INodeJobQueueGrain>(NodeId);

    /// <summary>
    /// The key must name this grain's node and match that node's stored hash: whatever id a
    /// caller addresses, it can act only as the node whose key it holds.
    /// </summary>
    private async Task<INodeGrain> AuthenticateAsync(string apiKey)
    {
        var nodeId = this.GetPrimaryKeyString();
        var node = GrainFactory.GetGrain<INodeGrain>(nodeId);
        if (!NodeApiKeyFormat.TryParse(apiKey, out var keyNodeId) || keyNodeId != nodeId || !await node.AuthenticateAsync(apiKey))
        {
            throw new UnauthorizedAccessException($"The API key is not valid for node {nodeId}, or the node is disabled or deleted.");
        }

        return node;
    }

    [LoggerMessage(LogLevel.Warning, "Refused node {NodeId} the storage settings of provider {ProviderId} for job {JobId} (attempt {Attempt})")]
    private partial void LogStorageRefused(string nodeId, string jobId, int attempt, string providerId);

    [LoggerMessage(LogLevel.Information, "Released the storage settings of provider {ProviderId} to node {NodeId} for job {JobId}")]
    private partial void LogStorageReleased(string nodeId, string jobId, string providerId);
}
