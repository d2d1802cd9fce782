using System.Security.Cryptography;
using System.Text;
using Backupd.Bundles;
using Backupd.Bundles.IO;
using Backupd.TestBed;

namespace Backupd.Tests.Bundles;

/// <summary>
/// A member compressed ahead into a <see cref="BundleSpool"/> and spliced into a bundle between
/// the bundle's own zstd frames, read back by the real zstd and tar and by <see cref="BundleReader"/>,
/// which the bundle's index takes straight to it.
/// </summary>
public sealed class BundleSpoolTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_spooled_member_between_a_tree_and_a_manifest_unpacks_with_zstd_and_tar()
    {
        var source = _temp.Combine("site");
        SampleTree.Create(source);
        var dump = DumpLikeContent(3 * BundleWriter.ChunkSize + 123);
        var bundle = _temp.Combine("job.tar.zst");

        await using var spool = await SpoolAsync(_temp.Combine("database.sql.zst"), dump);
        var (result, _) = await BundleFiles.WriteTreeAsync(bundle, source, "wp-content", addMore: async writer =>
        {
            var digest = await writer.AddSpooledFileAsync(spool, "database.sql", CancellationToken.None);
            Assert.Equal(new BundleFileDigest("database.sql", dump.Length, Convert.ToHexStringLower(SHA256.HashData(dump))), digest);
            await writer.AddBytesAsync("manifest.json", "{}"u8.ToArray(), CancellationToken.None);
        });

        await SystemTar.ExtractAsync(bundle, _temp.Combine("unpacked"));
        var unpacked = _temp.Combine("unpacked", "database.sql");
        Assert.Equal(dump, await File.ReadAllBytesAsync(unpacked));
        // As the spool file was created: a dump holds password hashes.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(unpacked));
        Assert.Equal(TreeSnapshot.Of(source, linkMetadata: true), TreeSnapshot.Of(_temp.Combine("unpacked", "wp-content"), linkMetadata: true));
        Assert.Equal("{}", await File.ReadAllTextAsync(_temp.Combine("unpacked", "manifest.json")));

        var entries = await BundleFiles.ListAsync(bundle);
        Assert.Equal(["database.sql", "manifest.json"], entries[^2..].Select(e => e.Name));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(dump)), entries[^2].Sha256Hex);
        Assert.Contains(result.Files, f => f.EntryName == "database.sql" && f.Size == dump.Length);
        Assert.Equal(TreeSnapshot.Sha256Hex(bundle), result.Sha256Hex);
        Assert.Equal(new FileInfo(bundle).Length, result.CompressedBytes);
        // The tar counts the spliced bytes although the bundle's own compressor never saw them.
        Assert.True(result.UncompressedBytes > entries.Where(e => e.Size > 0).Sum(e => e.Size));
        Assert.Equal(0, result.UncompressedBytes % 512);
    }

    [Fact]
    public async Task The_spool_frame_is_copied_into_the_bundle_as_it_is_not_compressed_again()
    {
        var dump = DumpLikeContent(2 * BundleWriter.ChunkSize);
        var bundle = _temp.Combine("job.tar.zst");
        await using var spool = await SpoolAsync(_temp.Combine("database.sql.zst"), dump);
        var frame = await File.ReadAllBytesAsync(spool.Path);

        await WriteBundleAsync(bundle, spool);

        Assert.True(frame.Length < dump.Length / 3, $"the spool is compressed ({frame.Length} of {dump.Length} bytes)");
        Assert.True(IndexOf(await File.ReadAllBytesAsync(bundle), frame) > 0, "the spool's frame appears whole in the bundle, after the bundle's first frame");
    }

    [Theory]
    [InlineData(BundleWriter.ChunkSize + 1000)]
    // A whole number of tar blocks: without the held-back last byte, a cut after the frame would
    // fall where a tar entry ends, and zstd and GNU tar would both read the rest as a whole archive.
    [InlineData(2 * BundleWriter.ChunkSize)]
    public async Task A_bundle_cut_where_the_spooled_frame_starts_or_ends_fails_the_listing_and_tar(int dumpLength)
    {
        var dump = DumpLikeContent(dumpLength);
        var bundle = _temp.Combine("job.tar.zst");
        await using var spool = await SpoolAsync(_temp.Combine("database.sql.zst"), dump);
        var frame = await File.ReadAllBytesAsync(spool.Path);
        await WriteBundleAsync(bundle, spool);
        var whole = await File.ReadAllBytesAsync(bundle);
        var start = IndexOf(whole, frame);

        // zstd itself sees nothing wrong at a frame boundary; the tar inside must.
        foreach (var cut in new[] { start, start + frame.Length })
        {
            var truncated = _temp.Combine($"cut-{cut}.tar.zst");
            await File.WriteAllBytesAsync(truncated, whole[..cut]);
            await Assert.ThrowsAsync<DamagedBundleException>(() => BundleFiles.ListAsync(truncated));
            var byHand = await Assert.ThrowsAsync<TestBedException>(() => SystemTar.ExtractAsync(truncated, _temp.Combine($"unpacked-{cut}")));
            Assert.Contains("tar: Unexpected EOF in archive", byHand.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_index_at_the_end_leads_a_reader_straight_to_the_spooled_member_past_everything_before_it()
    {
        var (bundle, dump, expected) = await WriteIndexedBundleAsync(BundleWriter.ChunkSize + 4321);
        var whole = await File.ReadAllBytesAsync(bundle);

        var offset = await IndexedOffsetAsync(bundle);

        Assert.EndsWith(Convert.ToHexString(BundleIndex.Frame([("database.sql", offset)])), Convert.ToHexString(whole), StringComparison.Ordinal);
        // zstd and tar pass over the index: the bundle is still a plain .tar.zst.
        await SystemTar.ExtractAsync(bundle, _temp.Combine("unpacked"));
        Assert.Equal(dump, await File.ReadAllBytesAsync(_temp.Combine("unpacked", "database.sql")));

        // The frames before the member damaged: a read from the start fails there, the indexed
        // read never decodes them and gets the member whole.
        whole[20] ^= 0xFF;
        var damaged = _temp.Combine("damaged-before.tar.zst");
        await File.WriteAllBytesAsync(damaged, whole);
        await using (var file = File.OpenRead(damaged))
        {
            await Assert.ThrowsAsync<DamagedBundleException>(() => BundleReader.ReadEntryAsync(file, "database.sql", content => content.CopyToAsync(Stream.Null), CancellationToken.None));
        }

        Assert.Equal(dump, await ReadThroughIndexAsync(damaged, expected));
    }

    [Fact]
    public async Task A_member_found_through_the_index_that_is_not_the_one_checked_fails_once_read()
    {
        var (bundle, dump, _) = await WriteIndexedBundleAsync(70_000);
        var other = (byte[])dump.Clone();
        other[^1] ^= 1;

        await using var file = File.OpenRead(bundle);
        var refused = await Assert.ThrowsAsync<DamagedBundleException>(() => BundleReader.ReadEntryAsync(
            file, new BundleFileDigest("database.sql", dump.Length, Convert.ToHexStringLower(SHA256.HashData(other))), content => content.CopyToAsync(Stream.Null), CancellationToken.None));
        Assert.Contains("found through the bundle's index, is not the one its check read", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bundle_whose_index_names_another_entry_or_has_none_is_read_from_its_start()
    {
        var (bundle, dump, expected) = await WriteIndexedBundleAsync(70_000);
        var whole = await File.ReadAllBytesAsync(bundle);
        var offset = await IndexedOffsetAsync(bundle);

        var index = BundleIndex.Frame([("database.sql", offset)]);
        var body = whole[..^index.Length];
        // Pointing at the bundle's first entry (before.txt), into the middle of a frame, and no index at all.
        foreach (var (name, bytes) in new[]
        {
            ("elsewhere", body.Concat(BundleIndex.Frame([("database.sql", 0)])).ToArray()),
            ("mid-frame", body.Concat(BundleIndex.Frame([("database.sql", offset + 7)])).ToArray()),
            ("none", body),
        })
        {
            var path = _temp.Combine($"{name}.tar.zst");
            await File.WriteAllBytesAsync(path, bytes);
            Assert.Equal(dump, await ReadThroughIndexAsync(path, expected));
        }
    }

    [Fact]
    public async Task Above_the_levels_it_compresses_at_the_spool_keeps_the_member_raw_and_the_bundle_compresses_it()
    {
        var dump = DumpLikeContent(BundleWriter.ChunkSize + 777);
        var bundle = _temp.Combine("job.tar.zst");
        await using var spool = await SpoolAsync(_temp.Combine("database.sql"), dump, BundleSpool.CompressesUpToLevel + 1);
        Assert.Equal(dump, await File.ReadAllBytesAsync(spool.Path));

        await WriteBundleAsync(bundle, spool);

        Assert.True(new FileInfo(bundle).Length < dump.Length / 3, "the bundle's compressor compressed the raw spool");
        await SystemTar.ExtractAsync(bundle, _temp.Combine("unpacked"));
        Assert.Equal(dump, await File.ReadAllBytesAsync(_temp.Combine("unpacked", "database.sql")));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(dump)), (await BundleFiles.ListAsync(bundle)).Single(e => e.Name == "database.sql").Sha256Hex);
    }

    [Fact]
    public async Task An_output_that_fails_while_a_spool_is_spliced_fails_the_call_and_disposing_the_writer_still_succeeds()
    {
        await using var spool = await SpoolAsync(_temp.Combine("database.sql.zst"), DumpLikeContent(100_000));
        var writer = new BundleWriter(new FailingOutput(acceptBytes: 16), new BundleWriterOptions { Workers = 2 });
        await writer.AddBytesAsync("before.txt", Encoding.UTF8.GetBytes(new string('b', 70_000)), CancellationToken.None);

        var error = await Assert.ThrowsAsync<IOException>(() => writer.AddSpooledFileAsync(spool, "database.sql", CancellationToken.None));

        Assert.Equal("No space left on device", error.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync(CancellationToken.None));
        await writer.DisposeAsync();
    }

    [Fact]
    public async Task An_empty_spool_is_an_empty_file_in_the_bundle()
    {
        var bundle = _temp.Combine("job.tar.zst");
        await using var spool = await SpoolAsync(_temp.Combine("empty.zst"), []);

        await WriteBundleAsync(bundle, spool);

        var entries = await BundleFiles.ListAsync(bundle);
        Assert.Equal((0L, Convert.ToHexStringLower(SHA256.HashData([]))), (entries.Single(e => e.Name == "database.sql").Size, entries.Single(e => e.Name == "database.sql").Sha256Hex));
        await SystemTar.ExtractAsync(bundle, _temp.Combine("unpacked"));
        Assert.Empty(await File.ReadAllBytesAsync(_temp.Combine("unpacked", "database.sql")));
    }

    [Fact]
    public async Task A_spool_not_yet_complete_is_refused_and_the_bundle_stays_usable()
    {
        var bundle = _temp.Combine("job.tar.zst");
        await using var spool = BundleSpool.Create(_temp.Combine("open.zst"), 3);
        await spool.WriteAsync("INSERT"u8.ToArray());

        await using (var output = BundleWriter.CreateFile(bundle))
        await using (var writer = new BundleWriter(output, new BundleWriterOptions()))
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.AddSpooledFileAsync(spool, "database.sql", CancellationToken.None));
            Assert.Contains("Complete the spool", error.Message);
            await writer.AddBytesAsync("manifest.json", "{}"u8.ToArray(), CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }

        Assert.Equal(["manifest.json"], (await BundleFiles.ListAsync(bundle)).Select(e => e.Name));
    }

    [Fact]
    public async Task A_spool_file_changed_after_it_was_written_fails_the_entry_and_the_bundle()
    {
        await using var spool = await SpoolAsync(_temp.Combine("database.sql.zst"), DumpLikeContent(100_000));
        await using (var file = new FileStream(spool.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.SetLength(file.Length / 2);
        }

        await using var output = BundleWriter.CreateFile(_temp.Combine("job.tar.zst"));
        await using var writer = new BundleWriter(output, new BundleWriterOptions());
        var error = await Assert.ThrowsAsync<BundleSourceException>(() => writer.AddSpooledFileAsync(spool, "database.sql", CancellationToken.None));
        Assert.Contains("changed after it was written", error.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Disposing_deletes_the_spool_file_and_writing_after_completion_is_refused()
    {
        var path = _temp.Combine("database.sql.zst");
        var spool = await SpoolAsync(path, "SELECT 1;"u8.ToArray());
        Assert.Equal(9, spool.ContentLength);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await spool.WriteAsync("more"u8.ToArray()));

        await spool.DisposeAsync();

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_spool_abandoned_half_written_is_deleted()
    {
        var path = _temp.Combine("database.sql.zst");
        var spool = BundleSpool.Create(path, 3);
        await spool.WriteAsync(DumpLikeContent(3 * BundleWriter.ChunkSize));

        await spool.DisposeAsync();

        Assert.False(File.Exists(path));
        Assert.Throws<InvalidOperationException>(() => spool.Sha256Hex);
    }

    private static async Task<BundleSpool> SpoolAsync(string path, byte[] content, int compressionLevel = 3)
    {
        var spool = BundleSpool.Create(path, compressionLevel);
        // In uneven pieces, as mysqldump's output arrives through a pipe.
        for (var offset = 0; offset < content.Length; offset += 65_000)
        {
            await spool.WriteAsync(content.AsMemory(offset, Math.Min(65_000, content.Length - offset)));
        }

        await spool.CompleteAsync(CancellationToken.None);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), spool.Sha256Hex);
        return spool;
    }

    private static async Task WriteBundleAsync(string bundle, BundleSpool spool)
    {
        await using var output = BundleWriter.CreateFile(bundle);
        await using var writer = new BundleWriter(output, new BundleWriterOptions { Workers = 2 });
        await writer.AddBytesAsync("before.txt", Encoding.UTF8.GetBytes(new string('b', 70_000)), CancellationToken.None);
        await writer.AddSpooledFileAsync(spool, "database.sql", CancellationToken.None);
        await writer.AddBytesAsync("manifest.json", "{}"u8.ToArray(), CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
    }

    // A bundle with a spooled dump of that length, as WriteBundleAsync makes it, and the dump's digest as a check would find it.
    private async Task<(string Bundle, byte[] Dump, BundleFileDigest Expected)> WriteIndexedBundleAsync(int dumpLength)
    {
        var dump = DumpLikeContent(dumpLength);
        var bundle = _temp.Combine("job.tar.zst");
        await using var spool = await SpoolAsync(_temp.Combine("database.sql.zst"), dump);
        await WriteBundleAsync(bundle, spool);
        return (bundle, dump, new BundleFileDigest("database.sql", dump.Length, Convert.ToHexStringLower(SHA256.HashData(dump))));
    }

    // The dump as the digest-checked read (through the index, when there is one) gives it; it must be there.
    private static async Task<byte[]> ReadThroughIndexAsync(string bundle, BundleFileDigest expected)
    {
        using var read = new MemoryStream();
        await using var file = File.OpenRead(bundle);
        Assert.True(await BundleReader.ReadEntryAsync(file, expected, content => content.CopyToAsync(read), CancellationToken.None), bundle);
        return read.ToArray();
    }

    // Where the bundle's index says its dump starts.
    private static async Task<long> IndexedOffsetAsync(string bundle)
    {
        await using var file = File.OpenRead(bundle);
        return Assert.Single(await BundleIndex.ReadAsync(file, CancellationToken.None), entry => entry.Key == "database.sql").Value;
    }

    /// <summary>SQL-like text: compressible, but not so regular that zstd makes nothing of it.</summary>
    private static byte[] DumpLikeContent(int length)
    {
        var random = new Random(42);
        var text = new StringBuilder(length + 200);
        while (text.Length < length)
        {
            text.Append("INSERT INTO `wp_posts` VALUES (").Append(random.Next()).Append(",'post ").Append(random.Next(1000)).Append("');\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    /// <summary>An output that takes a few bytes, then fails every write as a full disk does.</summary>
    private sealed class FailingOutput(int acceptBytes) : WriteOnlyStream
    {
        private int _accepted;

        public override void Flush()
        {
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_accepted + count > acceptBytes)
            {
                throw new IOException("No space left on device");
            }

            _accepted += count;
        }
    }
}
