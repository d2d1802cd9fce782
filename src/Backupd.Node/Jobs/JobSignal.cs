using Backupd.Contracts.NodeApi;

namespace Backupd.Node.Jobs;

/// <summary>Receives the master's signals (new work, a cancel) from the signal stream and passes them on.</summary>
public sealed class JobSignal
{
    private readonly SemaphoreSlim _work = new(0, 1);

    /// <summary>Raised when the master cancels a job this node runs.</summary>
    public event Action<string>? Cancelled;

    /// <summary>One event of the master's signal stream; unknown ones are ignored, for masters newer than this node.</summary>
    public void Receive(string name, string data)
    {
        switch (name)
        {
            case NodeSignals.Work:
                WorkAvailable();
                break;
            case NodeSignals.Cancel when data.Length > 0:
                Cancelled?.Invoke(data);
                break;
        }
    }

    /// <summary>Waits for a work signal or the poll interval, whichever comes first.</summary>
    public Task<bool> WaitForWorkAsync(TimeSpan pollInterval, CancellationToken cancellationToken) =>
        _work.WaitAsync(pollInterval, cancellationToken);

    private void WorkAvailable()
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
    }
}
