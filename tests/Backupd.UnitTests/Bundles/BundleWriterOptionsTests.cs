using Backupd.Bundles;

namespace Backupd.Tests.Bundles;

public sealed class BundleWriterOptionsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(-3)]
    public void Compression_level_outside_1_to_19_is_refused_naming_the_setting(int level)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new BundleWriterOptions { CompressionLevel = level });

        Assert.Contains("CompressionLevel", error.Message, StringComparison.Ordinal);
        Assert.Contains("between 1 and 19", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(257)]
    public void Worker_count_outside_0_to_256_is_refused_naming_the_setting(int workers)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new BundleWriterOptions { Workers = workers });

        Assert.Contains("Workers", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(19, 1)]
    [InlineData(3, 2)]
    public async Task Valid_settings_write_bundles(int level, int workers)
    {
        using var output = new MemoryStream();
        await using (var writer = new BundleWriter(output, new BundleWriterOptions { CompressionLevel = level, Workers = workers }))
        {
            await writer.AddBytesAsync("a.txt", "hello"u8.ToArray(), CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }

        output.Position = 0;
        var entries = new List<BundleEntry>();
        await foreach (var entry in BundleReader.ReadEntriesAsync(output, CancellationToken.None))
        {
            entries.Add(entry);
        }

        Assert.Equal("a.txt", Assert.Single(entries).Name);
    }

    [Fact]
    public void Defaults_are_level_3_and_one_worker_per_processor()
    {
        var options = new BundleWriterOptions();

        Assert.Equal(3, options.CompressionLevel);
        Assert.Equal(Environment.ProcessorCount, options.Workers);
    }
}
