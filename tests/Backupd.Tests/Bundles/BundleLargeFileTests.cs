using System.Diagnostics;
using System.Formats.Tar;
using Backupd.Bundles;
using Backupd.TestBed;
using Backupd.Tests.Modules;
using Xunit.Abstractions;

namespace Backupd.Tests.Bundles;

/// <summary>Entries over 8 GiB, the largest size a plain ustar header can state.</summary>
[Collection(LargeBundleCollection.Name)]
public sealed class BundleLargeFileTests(ITestOutputHelper output) : IDisposable
{
    // 8 GiB + 1 MiB + 3: past 077777777777, and not a multiple of the 512-byte tar block.
    private const long OverEightGiB = (8L << 30) + (1 << 20) + 3;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task An_entry_over_8_GiB_states_its_size_in_a_pax_record_that_tar_reads()
    {
        // The bundle's own entry factory, fed zeros that exist nowhere; only the headers are kept.
        var sink = new HeadCapturingStream(64 * 1024);
        var status = new LinuxFileStatus(LinuxFileKind.RegularFile, (UnixFileMode)0b110_100_100, OverEightGiB, SampleTree.BaseTime, 0, 0);
        await using (var tar = new TarWriter(sink, TarEntryFormat.Pax, leaveOpen: true))
        {
            await tar.WriteEntryAsync(BundleTarEntries.RegularFile("big.img", status, new ZeroStream(OverEightGiB)));
        }

        // PAX header block + its records (one block) + the entry's header + the data in whole blocks + the two end blocks.
        Assert.Equal(512 + 512 + 512 + ((OverEightGiB + 511) / 512 * 512) + 1024, sink.BytesWritten);
        var head = _temp.Combine("head.tar");
        await File.WriteAllBytesAsync(head, sink.Head);
        await using (var reader = new TarReader(File.OpenRead(head)))
        {
            var entry = await reader.GetNextEntryAsync();
            Assert.Equal(("big.img", OverEightGiB), (entry!.Name, entry.Length));
        }

        var listing = await ProcessRunner.RunAsync(RequiredProgram.Find("tar", "apt-get install tar"), ["-tvf", head], TimeSpan.FromMinutes(1));
        Assert.Contains($" {OverEightGiB} ", listing.StandardOutput, StringComparison.Ordinal);
    }

    // Compresses and hashes 8 GiB of zeros, then reads them back twice: about a minute here.
    [Fact]
    public async Task A_sparse_file_over_8_GiB_round_trips_with_its_size_and_hash()
    {
        var source = _temp.Combine("disk.img");
        await using (var file = File.Create(source))
        {
            file.SetLength(OverEightGiB);
            file.Position = OverEightGiB - 5;
            await file.WriteAsync("tail!"u8.ToArray());
        }

        var bundle = _temp.Combine("disk.tar.zst");
        var clock = Stopwatch.StartNew();
        BundleFileDigest digest;
        BundleResult result;
        await using (var stream = new FileStream(bundle, FileMode.CreateNew, FileAccess.Write))
        await using (var writer = new BundleWriter(stream, new BundleWriterOptions()))
        {
            digest = await writer.AddFileAsync(source, "disk.img", CancellationToken.None);
            result = await writer.CompleteAsync(CancellationToken.None);
        }

        output.WriteLine($"write: {clock.Elapsed.TotalSeconds:F1} s, {result.CompressedBytes} bytes, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB");
        clock.Restart();
        var entry = Assert.Single(await BundleFiles.ListAsync(bundle));
        output.WriteLine($"read back and hash: {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        var listing = await SystemTar.ListAsync(bundle);
        output.WriteLine($"zstd -d | tar -tv: {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal((OverEightGiB, digest.Sha256Hex), (entry.Size, entry.Sha256Hex));
        Assert.Equal(OverEightGiB, digest.Size);
        Assert.Contains($" {OverEightGiB} ", listing, StringComparison.Ordinal);
        Assert.Equal(TreeSnapshot.Sha256Hex(source), digest.Sha256Hex);
    }
}
