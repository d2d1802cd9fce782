using Backupd.Node.Connection;

namespace Backupd.Node.Jobs;

/// <summary>
/// The node's current connection to the master, shared by the session (which makes and loses
/// it) and the jobs (which report through it). Jobs outlive a brief disconnection: a call made
/// while disconnected waits for the session to reconnect.
/// </summary>
public sealed class MasterLink
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<Connection> _connected = NewWaiter();

    /// <summary>A live connection to the node API, and the node it speaks for.</summary>
    public sealed record Connection(NodeApiClient Api, string NodeId);

    /// <summary>Whether the node is connected now.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _connected.Task.IsCompletedSuccessfully;
            }
        }
    }

    /// <summary>Called by the session once connected.</summary>
    public void Connected(Connection connection)
    {
        lock (_gate)
        {
            if (_connected.Task.IsCompleted)
            {
                _connected = NewWaiter();
            }

            _connected.SetResult(connection);
        }
    }

    /// <summary>Called by the session when the connection is gone.</summary>
    public void Disconnected()
    {
        lock (_gate)
        {
            if (_connected.Task.IsCompleted)
            {
                _connected = NewWaiter();
            }
        }
    }

    /// <summary>Waits for a connection.</summary>
    public Task<Connection> WaitAsync(CancellationToken cancellationToken)
    {
        Task<Connection> waiter;
        lock (_gate)
        {
            waiter = _connected.Task;
        }

        return waiter.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource<Connection> NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
