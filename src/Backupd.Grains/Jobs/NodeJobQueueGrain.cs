using Backupd.Contracts.Jobs;
using Microsoft.Extensions.Logging;

namespace Backupd.Grains.Jobs;

/// <inheritdoc cref="INodeJobQueueGrain"/>
/// <remarks>
/// It keeps no state: the queue is the node's pending rows in the job index, in run order. A
/// stored list would be rewritten whole on every job created or taken, and grow with the queue.
/// </remarks>
public sealed partial class NodeJobQueueGrain(IJobIndex index, ILogger<NodeJobQueueGrain> logger) : Grain, INodeJobQueueGrain
{
    // Enough candidates that a few rows behind their job's state do not end a take early.
    private const int Candidates = 16;

    // In memory only: the node's signal stream renews it every minute, and polling covers the gap after a restart.
    private INodeJobObserver? _observer;

    private string NodeId => this.GetPrimaryKeyString();

    public Task EnqueueAsync(string jobId, int priority, DateTimeOffset createdAt)
    {
        Signal(observer => observer.JobsAvailable());
        return Task.CompletedTask;
    }

    public async Task<JobAssignment?> StartNextAsync()
    {
        var tried = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var candidates = (await index.PendingAsync(NodeId, Candidates + tried.Count)).Where(tried.Add).ToList();
            if (candidates.Count == 0)
            {
                return null;
            }

            foreach (var jobId in candidates)
            {
                var job = GrainFactory.GetGrain<IJobGrain>(jobId);
                if (await job.StartAsync(NodeId) is { } assignment)
                {
                    return assignment;
                }

                // Its row said pending but the job is not: put the row right so it is not offered again.
                await job.ReindexAsync();
            }
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync() => await index.PendingAsync(NodeId, int.MaxValue);

    public async Task SubscribeAsync(INodeJobObserver observer)
    {
        _observer = observer;
        if ((await index.PendingAsync(NodeId, 1)).Count > 0)
        {
            Signal(o => o.JobsAvailable());
        }
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
            LogSignalFailed(NodeId, ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Could not signal node {NodeId}: {Reason}")]
    private partial void LogSignalFailed(string nodeId, string reason);
}
