using System.Text;
using Backupd.Bundles;
using Microsoft.Extensions.Time.Testing;

namespace Backupd.Tests.Bundles;

/// <summary>Bundles written by <see cref="BundleWriter"/> and unpacked by the real zstd and GNU tar.</summary>
public sealed class BundleWriterRoundTripTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Tree_unpacked_by_zstd_and_tar_is_the_same_tree()
    {
        var source = _temp.Combine("site");
        SampleTree.Create(source);
        var bundle = _temp.Combine("site.tar.zst");

        var (_, tree) = await BundleFiles.WriteTreeAsync(bundle, source, "site");
        await SystemTar.ExtractAsync(bundle, _temp.Combine("unpacked"));

        // Paths, types, content, modes and times (to the second) of files, directories and links alike.
        Assert.Equal(TreeSnapshot.Of(source, linkMetadata: true), TreeSnapshot.Of(_temp.Combine("unpacked", "site"), linkMetadata: true));
        Assert.True(Directory.Exists(_temp.Combine("unpacked", "site", "empty-dir")));
        Assert.Equal("nested", new DirectoryInfo(_temp.Combine("unpacked", "site", "link-to-dir")).LinkTarget);
        Assert.Equal((14, 11, 3, 0), (tree.Files, tree.Directories, tree.Symlinks, tree.Skipped));
        var regularFiles = TreeSnapshot.Of(source, linkMetadata: false).Where(e => e.Kind == LinuxFileKind.RegularFile);
        Assert.Equal(regularFiles.Sum(e => new FileInfo(Path.Combine(source, e.Path)).Length), tree.Bytes);
    }

    [Fact]
    public async Task Digests_are_the_sha256_of_the_sources_and_of_the_bundle_on_disk()
    {
        var source = _temp.Combine("site");
        SampleTree.Create(source);
        var bundle = _temp.Combine("site.tar.zst");

        var (result, tree) = await BundleFiles.WriteTreeAsync(bundle, source, "wp-content");

        Assert.Equal(tree.Files, result.Files.Count);
        foreach (var digest in result.Files)
        {
            var sourcePath = Path.Combine(source, digest.EntryName["wp-content/".Length..]);
            Assert.Equal(TreeSnapshot.Sha256Hex(sourcePath), digest.Sha256Hex);
            Assert.Equal(new FileInfo(sourcePath).Length, digest.Size);
        }

        Assert.Equal(new FileInfo(bundle).Length, result.CompressedBytes);
        Assert.Equal(TreeSnapshot.Sha256Hex(bundle), result.Sha256Hex);
        Assert.Equal(tree.Bytes, result.Files.Sum(f => f.Size));
        Assert.True(result.UncompressedBytes > tree.Bytes, "the tar holds headers besides the content");
    }

    [Fact]
    public async Task Added_files_and_bytes_keep_their_names_content_and_metadata()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero));
        var source = _temp.Combine("db.sql");
        await File.WriteAllTextAsync(source, "CREATE TABLE wp_posts (id INT);\n");
        File.SetUnixFileMode(source, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetLastWriteTimeUtc(source, SampleTree.BaseTime.UtcDateTime);
        var manifest = Encoding.UTF8.GetBytes("""{"site":"example.org"}""");
        var bundle = _temp.Combine("job.tar.zst");

        BundleResult result;
        await using (var output = new FileStream(bundle, FileMode.CreateNew, FileAccess.Write))
        await using (var writer = new BundleWriter(output, new BundleWriterOptions { TimeProvider = clock }))
        {
            await writer.AddFileAsync(source, $"database/{SampleTree.NonAsciiName}.sql", CancellationToken.None);
            await writer.AddBytesAsync("manifest.json", manifest, CancellationToken.None);
            result = await writer.CompleteAsync(CancellationToken.None);
        }

        await SystemTar.ExtractAsync(bundle, _temp.Combine("unpacked"));
        var dump = _temp.Combine("unpacked", "database", $"{SampleTree.NonAsciiName}.sql");
        Assert.Equal(await File.ReadAllBytesAsync(source), await File.ReadAllBytesAsync(dump));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dump));
        Assert.Equal(SampleTree.BaseTime.UtcDateTime, File.GetLastWriteTimeUtc(dump));

        var manifestPath = _temp.Combine("unpacked", "manifest.json");
        Assert.Equal(manifest, await File.ReadAllBytesAsync(manifestPath));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(manifestPath));
        Assert.Equal(clock.GetUtcNow().UtcDateTime, File.GetLastWriteTimeUtc(manifestPath));
        Assert.Equal(["database/" + SampleTree.NonAsciiName + ".sql", "manifest.json"], result.Files.Select(f => f.EntryName));
        Assert.Equal(TreeSnapshot.Sha256Hex(manifestPath), result.Files[1].Sha256Hex);
    }

    [Fact]
    public async Task The_same_tree_gives_the_same_tar_single_or_multi_threaded()
    {
        var source = _temp.Combine("site");
        SampleTree.Create(source);

        var (single, _) = await BundleFiles.WriteTreeAsync(_temp.Combine("one.tar.zst"), source, "site", options: new() { Workers = 1 });
        var (multi, _) = await BundleFiles.WriteTreeAsync(_temp.Combine("two.tar.zst"), source, "site", options: new() { Workers = 2 });

        var singleEntries = await BundleFiles.ListAsync(_temp.Combine("one.tar.zst"));
        Assert.Equal(singleEntries, await BundleFiles.ListAsync(_temp.Combine("two.tar.zst")));
        Assert.Equal(single.UncompressedBytes, multi.UncompressedBytes);
        Assert.Equal(single.Files, multi.Files);
    }
}
