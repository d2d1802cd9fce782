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

    /// <summary>Reports how a run ended.</summary>
    [Alias("FinishJob")]
    Task<LeaseStatus> FinishJobAsync(string apiKey, string jobId, int attempt, JobOutcome outcome);

    /// <summary>
    /// The storage settings of a job this node is running now. Refused unless the job runs on
    /// this node in this attempt and uses <paramref name="providerId"/>.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">Any of those conditions fails.</exception>
    [Alias("GetJobStorage")]
    Task<StorageTargetSettings> GetJobStorageAsync(string apiKey, string jobId, int attempt, string providerId);

    /// <summary>A new certificate for a new key of this node's (see <see cref="INodeGrain.RenewCertificateAsync"/>).</summary>
    /// <param name="apiKey">The node's API key.</param>
    /// <param name="callerSerialNumber">The serial number of the certificate the caller connected with.</param>
    /// <param name="certificateRequestPem">The request for the new key.</param>
    /// <exception cref="UnauthorizedAccessException">The key is wrong, the node is disabled or deleted, or the caller's certificate is not the current one.</exception>
    [Alias("RenewCertificate")]
    Task<NodeCertificate> RenewCertificateAsync(string apiKey, string callerSerialNumber, string certificateRequestPem);
}
