using System.Threading.RateLimiting;

namespace Backupd.Modules.Resources;

/// <summary>
/// Paces bytes to one rate shared by every caller: a token bucket refilled with one token per
/// byte. A node has one, owned by its <see cref="ResourceManager"/>, so the limit holds for all
/// of its uploads together.
/// </summary>
public sealed class BandwidthLimiter : IDisposable
{
    // A bucket that sat unused holds 250 ms of traffic: that much burst adds at most 5 % to a
    // 10-second transfer (one bucketful, and one refill tick more). 64 KiB at least, so one
    // ordinary buffer fits.
    private static readonly TimeSpan BurstWindow = TimeSpan.FromMilliseconds(250);
    private const int MinimumBurstBytes = 64 * 1024;

    // While uploads are waiting, though, the bucket may hold up to 2 s: when the host stalls
    // (a GC pause, a starved thread pool: refill ticks arrived up to a second late in the test
    // host), the time that passed is still credited and the waiting uploads catch up, instead of
    // the rate dropping by the length of the stall. Unused credit is burned back to the burst
    // once nobody has waited for a whole burst window.
    private static readonly TimeSpan CatchUpWindow = TimeSpan.FromSeconds(2);

    // Requests are taken in chunks of 20 ms of traffic, queued first come, first served, so one
    // large request makes others wait at most a chunk at a time. The refill timer runs at the
    // same pace so a queued chunk is served about as soon as its tokens exist.
    private static readonly TimeSpan ChunkWindow = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan RefillInterval = ChunkWindow;
    private const int MinimumChunkBytes = 1024;

    private readonly TokenBucketRateLimiter? _bucket;
    private readonly ITimer? _refillTimer;
    private readonly TimeProvider _time;
    private readonly Lock _refillGate = new();
    private readonly int _chunkBytes;
    private readonly int _burstBytes;
    private long? _nobodyWaitingSince;
    private bool _disposed;

    /// <summary>Creates a limiter.</summary>
    /// <param name="bitsPerSecond">The shared rate; null or 0 means unlimited.</param>
    /// <param name="timeProvider">Schedules the bucket's refills; the system clock when null.</param>
    public BandwidthLimiter(double? bitsPerSecond, TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        if (bitsPerSecond is null || bitsPerSecond == 0)
        {
            return;
        }

        if (!double.IsFinite(bitsPerSecond.Value) || bitsPerSecond < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(bitsPerSecond), bitsPerSecond, "must be null or 0 (unlimited) or a positive, finite number of bits per second");
        }

        BitsPerSecond = bitsPerSecond;
        // Below 8 bits per second nobody means it; the floor keeps the bucket's period finite.
        var bytesPerSecond = Math.Max(1, bitsPerSecond.Value / 8);
        _burstBytes = (int)Math.Clamp(bytesPerSecond * BurstWindow.TotalSeconds, MinimumBurstBytes, int.MaxValue);
        var catchUpBytes = (int)Math.Clamp(bytesPerSecond * CatchUpWindow.TotalSeconds, _burstBytes, int.MaxValue);
        _chunkBytes = (int)Math.Clamp(bytesPerSecond * ChunkWindow.TotalSeconds, MinimumChunkBytes, _burstBytes);
        _bucket = new TokenBucketRateLimiter(BucketOptions(bytesPerSecond, catchUpBytes));
        // The runtime's bucket starts full; a new limiter offers one burst, not the catch-up allowance.
        _bucket.AttemptAcquire(catchUpBytes - _burstBytes).Dispose();
        _refillTimer = _time.CreateTimer(_ => Refill(), null, RefillInterval, RefillInterval);
    }

    /// <summary>The shared rate in bits per second, or null when unlimited.</summary>
    public double? BitsPerSecond { get; }

    /// <summary>
    /// Waits until <paramref name="bytes"/> may pass under the shared rate; returns at once when
    /// unlimited. Large requests are served in small chunks in turn with other callers.
    /// </summary>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The limiter was disposed.</exception>
    public ValueTask WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (_bucket is null || bytes == 0)
        {
            return ValueTask.CompletedTask;
        }

        return WaitForTokensAsync(_bucket, bytes, cancellationToken);
    }

    /// <summary>Stops refilling; callers still waiting fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        // Disposing a timer does not wait for a tick already running or queued on the pool; the
        // gate and flag keep such a tick from touching the bucket once it is disposed.
        lock (_refillGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _refillTimer?.Dispose();
            _bucket?.Dispose();
        }
    }

    private void Refill()
    {
        var bucket = _bucket!;
        // Ticks may overlap when the host is slow; the bookkeeping below must not.
        lock (_refillGate)
        {
            if (_disposed)
            {
                return;
            }

            bucket.TryReplenish();
            var statistics = bucket.GetStatistics();
            if (statistics is null || statistics.CurrentQueuedCount > 0)
            {
                _nobodyWaitingSince = null;
                return;
            }

            var now = _time.GetTimestamp();
            _nobodyWaitingSince ??= now;
            var excess = statistics.CurrentAvailablePermits - _burstBytes;
            if (excess > 0 && _time.GetElapsedTime(_nobodyWaitingSince.Value, now) >= BurstWindow)
            {
                // Credit nobody came back for within a burst window was not owed to anyone.
                bucket.AttemptAcquire((int)Math.Min(excess, int.MaxValue)).Dispose();
            }
        }
    }

    // Sync stream methods have no way to wait but blocking; pacing a synchronous caller is exactly
    // holding its thread. Blocking per chunk (not on WaitAsync as a whole) means only the refill
    // timer has to run to wake the caller, not a pool thread for every chunk's continuation.
    internal void Wait(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (_bucket is null)
        {
            return;
        }

        for (var remaining = bytes; remaining > 0; remaining -= _chunkBytes)
        {
            var acquiring = _bucket.AcquireAsync(Math.Min(remaining, _chunkBytes), CancellationToken.None);
            using var lease = acquiring.IsCompleted ? acquiring.Result : acquiring.AsTask().GetAwaiter().GetResult();
            ObjectDisposedException.ThrowIf(!lease.IsAcquired, this);
        }
    }

    private async ValueTask WaitForTokensAsync(TokenBucketRateLimiter bucket, int bytes, CancellationToken cancellationToken)
    {
        for (var remaining = bytes; remaining > 0; remaining -= _chunkBytes)
        {
            using var lease = await bucket.AcquireAsync(Math.Min(remaining, _chunkBytes), cancellationToken).ConfigureAwait(false);
            ObjectDisposedException.ThrowIf(!lease.IsAcquired, this);
        }
    }

    private static TokenBucketRateLimiterOptions BucketOptions(double bytesPerSecond, int capacityBytes)
    {
        // Refills are driven by our timer, and a manual refill adds tokens for the time that
        // really passed, so a late timer tick on a busy host does not lower the rate (automatic
        // refills add a fixed amount per tick instead). The fill rate is
        // TokensPerPeriod / ReplenishmentPeriod: whole tokens and whole ticks, so use at least
        // 1000 tokens to keep rounding under 0.1 %, and derive the period from the rounded count.
        var tokensPerPeriod = (int)Math.Clamp(Math.Round(bytesPerSecond), 1000, int.MaxValue);
        var periodTicks = Math.Max(1, (long)Math.Round(tokensPerPeriod / bytesPerSecond * TimeSpan.TicksPerSecond));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = capacityBytes,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromTicks(periodTicks),
            AutoReplenishment = false,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            // Each caller queues one chunk at a time; the queue is never what limits them.
            QueueLimit = int.MaxValue,
        };
    }
}
