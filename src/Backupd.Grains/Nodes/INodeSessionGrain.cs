using Backupd.Contracts.Jobs;
using Backupd.Contracts.Nodes;
using Backupd.Contracts.Storage;
using Backupd.Grains.Jobs;

namespace Backupd.Grains.Nodes;

/// <summary>
/// The node-facing surface, keyed by node id. Every call carries the node's API key, which the
/// master checks against that node's stored hash: a key works only for its own node, and only
/// while the node is active.
/// </summary>
[NodeFacing]
[Alias("backupd.nodes.INodeSessionGrain")]
public interface INodeSessionGrain : IGrainWithStringKey
{
    /// <summary>Reports the node alive with its capabilities.</summary>
    /// <exception cref="UnauthorizedAccessException">The key is wrong, or the node is disabled or deleted.</exception>
    [Alias("Heartbeat")]
    Task HeartbeatAsync(string apiKey, NodeCapabilities capabilities);

    /// <summary>Registers the node's work signal (renewed with each heartbeat; kept in memory on the master).</summary>
    [Alias("SubscribeJobs")]
    Task SubscribeJobsAsync(string apiKey, INodeJobObserver observer);

    /// <summary>Takes the node's next job and starts it under a lease; null when the queue is empty.</summary>
    [Alias("TakeJob")]
    Task<JobAssignment?> TakeJobAsync(string apiKey);

    /// <summary>Reports progress on a running job and renews its lease.</summary>
    [Alias("ReportJob")]
    Task<LeaseStatus> ReportJobAsync(string apiKey, string jobId, int attempt, JobProgressReport report);

    /// <summary>Hands a running job back unfinished (<see cref="IJobGrain.ReleaseAsync"/>).</summary>
    [Alias("ReleaseJob")]
    Task<LeaseStatus> ReleaseJobAsync(string apiKey, string jobId, int attempt, string reason, JobProgressReport report, bool keptWork);

    /// <summary>Reports how a run ended.</summary>
    [Alias("FinishJob")]
    Task<LeaseStatus> FinishJobAsync(string apiKey, string jobId, int attempt, JobOutcome outcome);

    /// <summary>
    /// The storage settings of a job this node is running now, without credentials (an S3
    /// provider's requests are signed by the master). Refused unless the job runs on this node in
    /// this attempt and uses <paramref name="providerId"/>.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">Any of those conditions fails.</exception>
    [Alias("GetJobStorage")]
    Task<StorageTargetSettings> GetJobStorageAsync(string apiKey, string jobId, int attempt, string providerId);

    /// <summary>The key of the job's bundle for this attempt (<see cref="IJobGrain.PlaceBundleAsync"/>).</summary>
    /// <exception cref="UnauthorizedAccessException">The node does not run that attempt of the job.</exception>
    [Alias("PlaceBundle")]
    Task<BundleUploadRecord> PlaceBundleAsync(string apiKey, string jobId, int attempt, string site, string? sha256Hex);

    /// <summary>
    /// Allows a step of the node's upload to its bundle's placement and hands the master (never
    /// the node) what it needs to carry it out: the provider's settings, credentials included.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The node does not run the attempt, or the key is not the placement's.</exception>
    /// <exception cref="ArgumentException">The step contradicts the upload so far.</exception>
    [Alias("AuthorizeUpload")]
    Task<BundleUploadTicket> AuthorizeUploadAsync(string apiKey, string jobId, int attempt, BundleUploadStep step);

    /// <summary>
    /// Allows a read of <paramref name="fullKey"/> for a verify or restore job this node runs
    /// (<see cref="IJobGrain.AuthorizeReadAsync"/>) and hands the master (never the node) the
    /// provider's settings, credentials included, to sign it.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The node does not run the attempt, or the job does not read that bundle.</exception>
    [Alias("AuthorizeBundleRead")]
    Task<StorageTargetSettings> AuthorizeBundleReadAsync(string apiKey, string jobId, int attempt, string fullKey);

    /// <summary>Records what the master did for the upload (<see cref="IJobGrain.RecordUploadAsync"/>).</summary>
    [Alias("RecordUpload")]
    Task<string?> RecordUploadAsync(string apiKey, string jobId, int attempt, BundleUploadChange change);

    /// <summary>A new certificate for a new key of this node's (see <see cref="INodeGrain.RenewCertificateAsync"/>).</summary>
    /// <param name="apiKey">The node's API key.</param>
    /// <param name="callerSerialNumber">The serial number of the certificate the caller connected with.</param>
    /// <param name="certificateRequestPem">The request for the new key.</param>
    /// <exception cref="UnauthorizedAccessException">The key is wrong, the node is disabled or deleted, or the caller's certificate is not the current one.</exception>
    [Alias("RenewCertificate")]
    Task<NodeCertificate> RenewCertificateAsync(string apiKey, string callerSerialNumber, string certificateRequestPem);
}

/// <summary>A step of a node's upload the master may carry out: the provider (credentials included, for the master only) and the upload so far.</summary>
[GenerateSerializer, Immutable, Alias("backupd.nodes.BundleUploadTicket")]
public sealed record BundleUploadTicket(
    [property: Id(0)] StorageTargetSettings Provider,
    [property: Id(1)] BundleUploadRecord Upload)
{
    /// <summary>Keeps the credentials out of logs.</summary>
    public override string ToString() => $"BundleUploadTicket {{ Provider = {Provider.ProviderId}, Key = {Upload.FullKey} }}";
}
