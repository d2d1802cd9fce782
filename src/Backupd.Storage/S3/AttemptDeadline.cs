namespace Backupd.Storage;

/// <summary>
/// The watchdog of one request attempt: its token is cancelled when the caller cancels or when
/// nothing has happened for the stall timeout. Every chunk sent (<see cref="Touch"/>) restarts it.
/// </summary>
internal sealed class AttemptDeadline : IDisposable
{
    private readonly TimeSpan _stallTimeout;
    private readonly CancellationTokenSource _stall;
    private readonly CancellationTokenSource _linked;
    private int _disposed;

    public AttemptDeadline(TimeSpan stallTimeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        _stallTimeout = stallTimeout;
        _stall = new CancellationTokenSource(stallTimeout, timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stall.Token);
    }

    public CancellationToken Token => _linked.Token;

    /// <summary>True when the attempt was abandoned for lack of progress.</summary>
    public bool StalledOut => _stall.IsCancellationRequested;

    public TimeSpan StallTimeout => _stallTimeout;

    public void Touch()
    {
        // The SDK may still be winding down a body write after the attempt has given up.
        if (Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                _stall.CancelAfter(_stallTimeout);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _linked.Dispose();
            _stall.Dispose();
        }
    }
}
