namespace Backupd.Dashboard.Components.Shared;

/// <summary>
/// One read shared by every open page of a kind on this silo: at most one read per
/// <c>minimumInterval</c> however many pages ask, and never a read that began before a change the
/// asking page was told of (<c>changes</c> counts them) or that is older than <c>maximumAge</c>.
/// </summary>
public sealed class SharedRead<T>(Func<CancellationToken, Task<T>> read, Func<long> changes, TimeProvider time, TimeSpan minimumInterval, TimeSpan maximumAge)
{
    private readonly Lock _gate = new();
    private Task<T>? _read;
    private long _readAfter = -1;
    private DateTimeOffset _readStarts = DateTimeOffset.MinValue;

    /// <summary>A read begun after every change counted when this was called.</summary>
    public Task<T> GetAsync()
    {
        lock (_gate)
        {
            var seen = changes();
            var now = time.GetUtcNow();
            if (_read is { IsFaulted: false, IsCanceled: false } current && _readAfter == seen && now - _readStarts < maximumAge)
            {
                return current;
            }

            // A new read: after the one under way, and not sooner than the interval after the last one began.
            var startAt = _readStarts + minimumInterval > now ? _readStarts + minimumInterval : now;
            _read = ReadAsync(_read, startAt - now);
            _readAfter = seen;
            _readStarts = startAt;
            return _read;
        }
    }

    private async Task<T> ReadAsync(Task<T>? previous, TimeSpan wait)
    {
        // Only an unfinished read is waited for: a finished one leaves the timer below to be set at once.
        if (previous is { IsCompleted: false })
        {
            // Its outcome is its own callers' to see; this read only waits its turn.
            await previous.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time);
        }

        return await read(CancellationToken.None);
    }
}
