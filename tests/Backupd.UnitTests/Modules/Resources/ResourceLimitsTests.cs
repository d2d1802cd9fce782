using Backupd.Modules.Resources;

namespace Backupd.Tests.Modules.Resources;

public sealed class ResourceLimitsTests
{
    [Theory]
    [InlineData(0, 2, null, 1, "BACKUPD_MAX_IO")]
    [InlineData(-3, 2, null, 1, "BACKUPD_MAX_IO")]
    [InlineData(2, 0, null, 1, "BACKUPD_MAX_NETWORK")]
    [InlineData(2, 2, -5.0, 1, "BACKUPD_MAX_BANDWIDTH_MBPS")]
    [InlineData(2, 2, double.NaN, 1, "BACKUPD_MAX_BANDWIDTH_MBPS")]
    [InlineData(2, 2, double.PositiveInfinity, 1, "BACKUPD_MAX_BANDWIDTH_MBPS")]
    [InlineData(2, 2, null, 0, "cpu")]
    public void Invalid_limit_is_refused_naming_the_setting(int maxIo, int maxNetwork, double? mbps, int maxCpu, string setting)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new ResourceLimits(maxIo, maxNetwork, mbps, maxCpu));
        Assert.Contains(setting, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Copy_with_an_invalid_value_is_refused_too()
    {
        var error = Assert.Throws<ArgumentException>(() => ResourceLimits.Default with { MaxNetwork = 0 });
        Assert.Contains("BACKUPD_MAX_NETWORK", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_is_two_io_two_network_unlimited_bandwidth_and_one_cpu_per_processor()
    {
        Assert.Equal(new ResourceLimits(2, 2, null, Environment.ProcessorCount), ResourceLimits.Default);
        Assert.Null(ResourceLimits.Default.MaxBandwidthBitsPerSecond);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(0.0, null)]
    [InlineData(16.0, 16_000_000.0)]
    [InlineData(0.5, 500_000.0)]
    public void Bandwidth_is_megabits_per_second_and_zero_means_unlimited(double? mbps, double? bitsPerSecond)
    {
        var limits = new ResourceLimits(1, 1, mbps, 1);
        using var manager = new ResourceManager(limits);
        Assert.Equal(bitsPerSecond, limits.MaxBandwidthBitsPerSecond);
        Assert.Equal(bitsPerSecond, manager.Bandwidth.BitsPerSecond);
    }

    [Fact]
    public void Compression_threads_follow_the_cpu_limit()
    {
        using var manager = new ResourceManager(new ResourceLimits(1, 1, null, 3));
        Assert.Equal(3, manager.CompressionThreads);
    }
}
