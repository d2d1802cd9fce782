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
    public async Task Request_larger_than_the_burst_is_split_rather_than_refused()
    {
        using var limiter = new BandwidthLimiter(SixteenMbps * 1_000_000);
        await limiter.WaitAsync(1_000_000, CancellationToken.None).AsTask().WaitAsync(Patience);
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

        using (var source = manager.LimitUpload(new EndlessZeroStream()))
        {
            for (var i = 0; i < 16; i++)
            {
                source.ReadExactly(buffer);
            }
        }

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(500), $"2 MiB passed in {clock.Elapsed}");
    }
}
