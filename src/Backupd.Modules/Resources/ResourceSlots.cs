namespace Backupd.Modules.Resources;

/// <summary>
/// The slots of one <see cref="ResourceKind"/>: at most <see cref="Limit"/> leases at once,
/// waiters served strictly first come, first served.
/// </summary>
/// <remarks>
/// Written out rather than built on <see cref="SemaphoreSlim"/> because SemaphoreSlim does not
/// promise FIFO order, and because the counts <see cref="Usage"/> reports must be read under the
/// same lock that changes them to be consistent with each other.
/// </remarks>
internal sealed class ResourceSlots : IDisposable
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TaskCompletionSource<ResourceLease>> _waiters = new();
    private int _inUse;
    private int _peak;
    private bool _disposed;

    public ResourceSlots(ResourceKind kind, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Kind = kind;
        Limit = limit;
    }

    public ResourceKind Kind { get; }

    public int Limit { get; }

    public ResourceUsage Usage
    {
        get
        {
            lock (_gate)
            {
                return new ResourceUsage(_inUse, _peak, _waiters.Count, Limit);
            }
        }
    }

    public ValueTask<ResourceLease> AcquireAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<ResourceLease> waiter;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // A free slot goes to a newcomer only when nobody is queued ahead of it.
            if (_inUse < Limit && _waiters.Count == 0)
            {
                _inUse++;
                _peak = Math.Max(_peak, _inUse);
                return ValueTask.FromResult(new ResourceLease(this));
            }

            // Continuations run outside the lock and off the releasing thread.
            waiter = new TaskCompletionSource<ResourceLease>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.AddLast(waiter);
        }

        return new ValueTask<ResourceLease>(WaitForSlotAsync(waiter, cancellationToken));
    }

    public void Release()
    {
        lock (_gate)
        {
            // The slot passes straight to the oldest waiter, so _inUse does not change.
            if (_waiters.First is { } oldest)
            {
                _waiters.RemoveFirst();
                oldest.Value.SetResult(new ResourceLease(this));
                return;
            }

            _inUse--;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var waiter in _waiters)
            {
                waiter.SetException(new ObjectDisposedException(nameof(ResourceManager)));
            }

            _waiters.Clear();
        }
    }

    private async Task<ResourceLease> WaitForSlotAsync(
        TaskCompletionSource<ResourceLease> waiter, CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.UnsafeRegister(
            static (state, token) =>
            {
                var (slots, waiter) = ((ResourceSlots, TaskCompletionSource<ResourceLease>))state!;
                slots.Abandon(waiter, token);
            },
            (this, waiter));
        return await waiter.Task.ConfigureAwait(false);
    }

    private void Abandon(TaskCompletionSource<ResourceLease> waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Not queued any more means a slot was already handed over: the caller keeps that
            // lease rather than leaking it, so the cancellation came too late to matter.
            if (_waiters.Remove(waiter))
            {
                waiter.SetCanceled(cancellationToken);
            }
        }
    }
}
