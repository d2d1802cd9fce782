namespace Backupd.Contracts.Jobs;

/// <summary>
/// A node's queue of pending jobs, keyed by node id: higher priority first, then oldest first.
/// It also holds the node's observer, so new work reaches the node within a second.
/// </summary>
[Alias("backupd.jobs.INodeJobQueueGrain")]
public interface INodeJobQueueGrain : IGrainWithStringKey
{
    /// <summary>Adds a job and signals the node.</summary>
    [Alias("Enqueue")]
    Task EnqueueAsync(string jobId, int priority, DateTimeOffset createdAt);

    /// <summary>Removes a job that will not run (cancelled).</summary>
    [Alias("Remove")]
    Task RemoveAsync(string jobId);

    /// <summary>Takes the first job off the queue; null when empty.</summary>
    [Alias("TakeNext")]
    Task<string?> TakeNextAsync();

    /// <summary>The queued job ids in the order they will run.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> ListAsync();

    /// <summary>Remembers the node's observer (in memory: the node renews it with each heartbeat).</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(INodeJobObserver observer);

    /// <summary>Tells the node at once that a running job was cancelled.</summary>
    [Alias("SignalCancel")]
    Task SignalCancelAsync(string jobId);
}
