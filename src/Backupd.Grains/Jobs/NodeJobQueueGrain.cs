using Backupd.Contracts.Jobs;
using Microsoft.Extensions.Logging;

namespace Backupd.Grains.Jobs;

/// <inheritdoc cref="INodeJobQueueGrain"/>
public sealed partial class NodeJobQueueGrain(
    [PersistentState("queue", StorageNames.Master)] IPersistentState<NodeJobQueueState> queue,
    ILogger<NodeJobQueueGrain> logger) : Grain, INodeJobQueueGrain
{
    // Higher priority first; among equals the oldest, then the id so the order is total.
    private static readonly Comparison<QueuedJob> RunOrder = (a, b) =>
        b.Priority != a.Priority ? b.Priority.CompareTo(a.Priority)
        : a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt)
        : string.CompareOrdinal(a.JobId, b.JobId);

    // In memory only: the node renews it with every heartbeat, and polling covers the gap after a restart.
    private INodeJobObserver? _observer;

    private List<QueuedJob> Jobs => queue.State.Jobs;

    public async Task EnqueueAsync(string jobId, int priority, DateTimeOffset createdAt)
    {
        if (Jobs.All(job => job.JobId != jobId))
        {
            Jobs.Add(new QueuedJob(jobId, priority, createdAt));
            Jobs.Sort(RunOrder);
            await queue.WriteStateAsync();
        }

        Signal(observer => observer.JobsAvailable());
    }

    public async Task RemoveAsync(string jobId)
    {
        if (Jobs.RemoveAll(job => job.JobId == jobId) > 0)
        {
            await queue.WriteStateAsync();
        }
    }

    public async Task<string?> TakeNextAsync()
    {
        if (Jobs.Count == 0)
        {
            return null;
        }

        var next = Jobs[0];
        Jobs.RemoveAt(0);
        await queue.WriteStateAsync();
        return next.JobId;
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. Jobs.Select(job => job.JobId)]);

    public Task SubscribeAsync(INodeJobObserver observer)
    {
        _observer = observer;
        if (Jobs.Count > 0)
        {
            Signal(o => o.JobsAvailable());
        }

        return Task.CompletedTask;
    }

    public Task SignalCancelAsync(string jobId)
    {
        Signal(observer => observer.CancelRequested(jobId));
        return Task.CompletedTask;
    }

    private void Signal(Func<INodeJobObserver, Task> send)
    {
        if (_observer is not { } observer)
        {
            return;
        }

        try
        {
            // One-way: the node may be gone, and the caller must not wait on it.
            _ = send(observer);
        }
        catch (Exception ex)
        {
            _observer = null;
            LogSignalFailed(this.GetPrimaryKeyString(), ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Could not signal node {NodeId}: {Reason}")]
    private partial void LogSignalFailed(string nodeId, string reason);
}
