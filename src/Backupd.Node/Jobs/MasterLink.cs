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

    /// <summary>
    /// Makes a node→master call for a job, waiting out a master that is away (restarting,
    /// unreachable) instead of failing: a call that cannot reach it waits for the session to
    /// reconnect and is made again, for up to <paramref name="awayBudget"/> of the master being
    /// away. An answer from the master, a refusal included, ends the wait at once.
    /// </summary>
    /// <exception cref="TimeoutException">The master stayed away longer than <paramref name="awayBudget"/>; the last failure is inside.</exception>
    /// <param name="call">The call, made with the current connection.</param>
    /// <param name="awayBudget">How long the master may be away before the call fails.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="away">Told once per call when the master turns out to be away, with why.</param>
    public async Task<T> CallAsync<T>(Func<NodeApiClient, CancellationToken, Task<T>> call, TimeSpan awayBudget, TimeProvider time, CancellationToken cancellationToken, Action<string>? away = null)
    {
        var giveUpAt = time.GetUtcNow() + awayBudget;
        var told = false;
        while (true)
        {
            var remaining = giveUpAt - time.GetUtcNow();
            if (!told && !IsConnected)
            {
                told = true;
                away?.Invoke("the connection to the master is lost");
            }

            Connection connection;
            try
            {
                connection = await WaitAsync(cancellationToken).WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"The master was away for longer than {awayBudget.TotalMinutes:0.#} minutes.");
            }

            try
            {
                return await call(connection.Api, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsMasterAway(ex))
            {
                if (time.GetUtcNow() >= giveUpAt)
                {
                    throw new TimeoutException($"The master was away for longer than {awayBudget.TotalMinutes:0.#} minutes: {ex.Message}", ex);
                }

                if (!told)
                {
                    told = true;
                    away?.Invoke(ex.Message);
                }

                // The session notices a lost master at once (its signal stream breaks) and
                // reconnects; until then this waits a moment rather than spinning on a dead address.
                await Task.Delay(AwayRetryInterval, time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Whether a failed call means the master could not be reached or could not answer (down,
    /// restarting, a 5xx while its silo starts): worth waiting out. A refusal or a 4xx is an answer.
    /// </summary>
    public static bool IsMasterAway(Exception error) => error switch
    {
        HttpRequestException { StatusCode: { } status } => (int)status >= 500,
        HttpRequestException or TimeoutException or IOException or System.Net.Sockets.SocketException => true,
        _ => false,
    };

    private static readonly TimeSpan AwayRetryInterval = TimeSpan.FromSeconds(1);

    private static TaskCompletionSource<Connection> NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
