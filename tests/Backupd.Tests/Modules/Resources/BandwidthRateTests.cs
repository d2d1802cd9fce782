using System.Diagnostics;
using Backupd.Modules.Resources;
using Xunit.Abstractions;

namespace Backupd.Tests.Modules.Resources;

[Collection(RateMeasurementCollection.Name)]
public sealed class BandwidthRateTests(ITestOutputHelper output)
{
    private const double TwoMegabytesPerSecond = 2_000_000;
    private static readonly TimeSpan TransferFor = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Three_uploads_together_stay_within_ten_percent_of_the_limit_over_ten_seconds()
    {
        using var manager = new ResourceManager(new ResourceLimits(1, 3, MaxBandwidthMbps: 16, 1));
        // How late the host ran timers meanwhile: stalls are what the limiter must ride out.
        using var stalls = new HostStallProbe();
        var clock = Stopwatch.StartNew();

        // All share the one limiter, in both directions: two uploads written to a target, one read from a source.
        var uploads = new[]
        {
            WriteUntilAsync(manager.LimitUpload(Stream.Null), clock),
            WriteUntilAsync(manager.LimitUpload(Stream.Null), clock),
            ReadUntilAsync(manager.LimitUpload(new ZeroStream(long.MaxValue)), clock),
        };
        var bytesPerUpload = await Task.WhenAll(uploads).WaitAsync(TransferFor * 4);
        output.WriteLine(stalls.Summary());
        var elapsed = clock.Elapsed;

        var total = bytesPerUpload.Sum();
        var rate = total / elapsed.TotalSeconds;
        output.WriteLine($"{total} bytes in {elapsed}: {rate:N0} B/s; per upload {string.Join(", ", bytesPerUpload)}");
        Assert.InRange(rate, TwoMegabytesPerSecond * 0.9, TwoMegabytesPerSecond * 1.1);
        // Shared fairly-ish: nobody gets less than half of an equal share.
        Assert.All(bytesPerUpload, bytes => Assert.True(bytes >= total / 6, $"one upload got {bytes} of {total} bytes"));
    }

    private static async Task<long> WriteUntilAsync(Stream upload, Stopwatch clock)
    {
        await using var target = upload;
        var buffer = new byte[64 * 1024];
        long written = 0;
        while (clock.Elapsed < TransferFor)
        {
            await target.WriteAsync(buffer);
            written += buffer.Length;
        }

        return written;
    }

    private static async Task<long> ReadUntilAsync(Stream upload, Stopwatch clock)
    {
        await using var source = upload;
        var buffer = new byte[64 * 1024];
        long read = 0;
        while (clock.Elapsed < TransferFor)
        {
            read += await source.ReadAsync(buffer);
        }

        return read;
    }
}
