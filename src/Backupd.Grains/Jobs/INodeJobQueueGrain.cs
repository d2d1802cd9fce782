using Backupd.Contracts.Jobs;
using Orleans.Concurrency;

namespace Backupd.Grains.Jobs;

/// <summary>
/// A node's queue of pending jobs, keyed by node id: higher priority first, then oldest first,
/// then by id. The queue is the node's pending jobs in the job index; this grain takes them one
/// at a time, so that two requests of one node never race for the same job, and holds the
/// node's observer, so new work reaches the node within a second.
/// </summary>
[Alias("backupd.jobs.INodeJobQueueGrain")]
public interface INodeJobQueueGrain : IGrainWithStringKey
{
    /// <summary>Tells the node there is work. It never waits on a job, so a job may call it while it is being started.</summary>
    [Alias("Enqueue"), AlwaysInterleave]
    Task EnqueueAsync(string jobId, int priority, DateTimeOffset createdAt);

    /// <summary>Starts the first pending job on the node; null when there is none.</summary>
    [Alias("StartNext")]
    Task<JobAssignment?> StartNextAsync();

    /// <summary>The pending job ids in the order they will run.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> ListAsync();

    /// <summary>Remembers the node's observer (in memory: the node renews it with each heartbeat).</summary>
    [Alias("Subscribe"), AlwaysInterleave]
    Task SubscribeAsync(INodeJobObserver observer);

    /// <summary>Tells the node at once that a running job was cancelled.</summary>
    [Alias("SignalCancel"), AlwaysInterleave]
    Task SignalCancelAsync(string jobId);
}
