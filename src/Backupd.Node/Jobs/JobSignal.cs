using Backupd.Contracts.Jobs;

namespace Backupd.Node.Jobs;

/// <summary>
/// Receives the master's signals (new work, a cancel) and passes them on. The Orleans client
/// holds observers weakly, so this singleton is what keeps the registration alive.
/// </summary>
public sealed class JobSignal : INodeJobObserver
{
    private readonly SemaphoreSlim _work = new(0, 1);

    /// <summary>Raised when the master cancels a job this node runs.</summary>
    public event Action<string>? Cancelled;

    public Task JobsAvailable()
    {
        // A pending wake-up is enough; more signals before the runner looks add nothing.
        if (_work.CurrentCount == 0)
        {
            try
            {
                _work.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }

        return Task.CompletedTask;
    }

    public Task CancelRequested(string jobId)
    {
        Cancelled?.Invoke(jobId);
        return Task.CompletedTask;
    }

    /// <summary>Waits for a work signal or the poll interval, whichever comes first.</summary>
    public Task<bool> WaitForWorkAsync(TimeSpan pollInterval, CancellationToken cancellationToken) =>
        _work.WaitAsync(pollInterval, cancellationToken);
}
