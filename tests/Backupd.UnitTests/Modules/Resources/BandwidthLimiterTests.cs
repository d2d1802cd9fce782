using Microsoft.Extensions.Time.Testing;
using System.Diagnostics;
using Backupd.Modules.Resources;

namespace Backupd.Tests.Modules.Resources;

public sealed class BandwidthLimiterTests
{
    private const double SixteenMbps = 16;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(null)]
    [InlineData(0.0)]
    public async Task Unlimited_bandwidth_passes_at_once(double? mbps)
    {
        using var manager = new ResourceManager(new ResourceLimits(1, 1, mbps, 1));
        Assert.Null(manager.Bandwidth.BitsPerSecond);

        Assert.True(manager.Bandwidth.WaitAsync(int.MaxValue, CancellationToken.None).IsCompletedSuccessfully);

        var chunk = new byte[1024 * 1024];
        await using var upload = manager.LimitUpload(Stream.Null);
        for (var i = 0; i < 256; i++)
        {
            Assert.True(upload.WriteAsync(chunk).IsCompletedSuccessfully, "an unlimited write must not wait");
        }
    }

    [Fact]
    public async Task Request_larger_than_the_bucket_is_split_and_paced_rather_than_refused()
    {
        // 80 Mbit/s is 10 MB/s: the bucket holds at most 2 s (20 MB) and starts with one burst
        // (2.5 MB). The runtime's token bucket refuses a request larger than itself outright, so
        // 25 MB passes only if the limiter splits it; paced, the 22.5 MB past the burst take 2.25 s.
        using var limiter = new BandwidthLimiter(80_000_000);
        var clock = Stopwatch.StartNew();

        await limiter.WaitAsync(25_000_000, CancellationToken.None).AsTask().WaitAsync(Patience);

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"25 MB passed a 10 MB/s limit in {clock.Elapsed}");
    }

    [Fact]
    public async Task Large_request_does_not_starve_a_small_one()
    {
        using var limiter = new BandwidthLimiter(8_000_000);
        using var cancellation = new CancellationTokenSource();

        // About three seconds of traffic at 1 MB/s.
        var large = limiter.WaitAsync(3_000_000, cancellation.Token).AsTask();
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        await limiter.WaitAsync(10_000, CancellationToken.None).AsTask().WaitAsync(Patience);

        Assert.False(large.IsCompleted, "the small request should have been served between the large one's chunks");
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => large.WaitAsync(Patience));
    }

    [Fact]
    public void Synchronous_writes_and_reads_are_paced_too()
    {
        using var manager = new ResourceManager(new ResourceLimits(1, 1, SixteenMbps, 1));
        var buffer = new byte[64 * 1024];

        // 2 MiB at 2 MB/s, less the bucket's burst of 0.5 MB: about 0.8 s if paced, microseconds
        // if not. Only a lower bound, which a slow machine cannot break.
        var clock = Stopwatch.StartNew();
        using (var target = manager.LimitUpload(Stream.Null))
        {
            for (var i = 0; i < 16; i++)
            {
                target.Write(buffer);
            }
        }

        using (var source = manager.LimitUpload(new ZeroStream(long.MaxValue)))
        {
            for (var i = 0; i < 16; i++)
            {
                source.ReadExactly(buffer);
            }
        }

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(500), $"2 MiB passed in {clock.Elapsed}");
    }

    [Fact]
    public async Task Time_that_passed_while_refills_stalled_is_credited_to_waiting_uploads()
    {
        // Refill ticks come from the fake clock; the bucket measures real time between them.
        var ticks = new FakeTimeProvider();
        using var limiter = new BandwidthLimiter(8_000_000, ticks);
        await limiter.WaitAsync(250_000, CancellationToken.None).AsTask().WaitAsync(Patience);

        // 0.6 s of traffic at 1 MB/s, more than one burst, waits through a 0.9 s stall of the refill timer.
        var waiting = limiter.WaitAsync(600_000, CancellationToken.None).AsTask();
        await Task.Delay(TimeSpan.FromMilliseconds(900));
        Assert.False(waiting.IsCompleted);
        ticks.Advance(TimeSpan.FromMilliseconds(20));

        // One late tick is enough: the stall's 0.9 s are owed, not lost at the burst's 0.25 s.
        await waiting.WaitAsync(Patience);
    }

    [Fact]
    public async Task Credit_that_nobody_waited_for_shrinks_back_to_one_burst()
    {
        var ticks = new FakeTimeProvider();
        using var limiter = new BandwidthLimiter(8_000_000, ticks);
        await limiter.WaitAsync(250_000, CancellationToken.None).AsTask().WaitAsync(Patience);

        // Idle for 0.9 s, then more than a burst window of refill ticks with nobody waiting, one
        // tick at a time as a real timer runs (one big Advance shows every tick the same instant).
        await Task.Delay(TimeSpan.FromMilliseconds(900));
        for (var tick = 0; tick < 15; tick++)
        {
            ticks.Advance(TimeSpan.FromMilliseconds(20));
        }

        var request = limiter.WaitAsync(600_000, CancellationToken.None).AsTask();
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        Assert.False(request.IsCompleted, "an idle limiter must offer one burst (0.25 MB), not the 0.9 MB of its idle time");

        // With the refill ticking along real time again, the rest follows at the rate.
        var deadline = Stopwatch.StartNew();
        while (!request.IsCompleted && deadline.Elapsed < Patience)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20));
            ticks.Advance(TimeSpan.FromMilliseconds(20));
        }

        await request.WaitAsync(Patience);
    }

    [Fact]
    public void A_refill_tick_that_runs_after_dispose_does_nothing()
    {
        // Disposing a timer does not stop a tick that already left for the thread pool; in a test
        // host that tick crashed the process. Hold the tick back and run it after Dispose.
        var clock = new CapturedTimerProvider();
        var limiter = new BandwidthLimiter(8_000_000, clock);
        var tick = Assert.Single(clock.Callbacks);

        limiter.Dispose();
        tick(null);
        limiter.Dispose();

        Assert.Throws<ObjectDisposedException>(() => limiter.WaitAsync(1, CancellationToken.None).AsTask().GetAwaiter().GetResult());
    }

    /// <summary>Hands out each timer's callback instead of scheduling it.</summary>
    private sealed class CapturedTimerProvider : TimeProvider
    {
        public List<TimerCallback> Callbacks { get; } = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Callbacks.Add(callback);
            return new IdleTimer();
        }

        private sealed class IdleTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
