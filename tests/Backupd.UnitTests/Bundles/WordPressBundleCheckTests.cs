using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Backupd.Bundles;
using Backupd.Modules.WordPress;

namespace Backupd.Tests.Bundles;

/// <summary>
/// A bundle checked against the manifest it carries, without writing anything of it: a good one
/// passes with what it holds; a changed, added or missing member, a damaged frame or an entry no
/// restore may write is refused, naming it.
/// </summary>
public sealed class WordPressBundleCheckTests : IDisposable
{
    private static readonly (string Path, string Content)[] SiteFiles =
    [
        ("wp-content/index.php", "<?php // Silence is golden."),
        ("wp-content/uploads/2024/photo.jpg", "not really a jpeg"),
        ("wp-content/themes/t/style.css", "body { color: red }"),
    ];

    private const string Dump = "CREATE TABLE wp_options (option_id int);\nINSERT INTO wp_options VALUES (1);\n";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_bundle_that_matches_its_manifest_passes_and_the_check_leaves_nothing_behind()
    {
        var report = await CheckAsync(await WriteAsync(Entries(Manifest())));

        Assert.Equal(3, report.Files);
        Assert.Equal(SiteFiles.Sum(f => Encoding.UTF8.GetByteCount(f.Content)), report.FileBytes);
        Assert.Equal(Encoding.UTF8.GetByteCount(Dump), report.DatabaseBytes);
        // What a restore holds the dump it reads through the bundle's index against.
        Assert.Equal(new BundleFileDigest("database.sql", Encoding.UTF8.GetByteCount(Dump), Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Dump)))), report.Dump);
        Assert.Equal(1, report.Links);
        Assert.Equal("https://shop.example", report.SiteUrl);
        Assert.Equal("wp_", report.TablePrefix);
        Assert.Equal(new[] { "bundle.tar.zst" }, Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_file_changed_after_the_manifest_was_written_is_refused_by_name()
    {
        var entries = Entries(Manifest());
        entries[2] = CraftedBundle.File("wp-content/uploads/2024/photo.jpg", "not really a jpeg, altered");

        var error = await Assert.ThrowsAsync<BundleManifestMismatchException>(async () => await CheckAsync(await WriteAsync(entries)));

        Assert.Contains("'wp-content/uploads/2024/photo.jpg' is 26 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_added_to_the_bundle_is_refused()
    {
        var entries = Entries(Manifest());
        entries.Insert(4, CraftedBundle.File("wp-content/plugins/backdoor.php", "<?php system($_GET['c']);"));

        var error = await Assert.ThrowsAsync<BundleManifestMismatchException>(async () => await CheckAsync(await WriteAsync(entries)));

        Assert.Contains("wp-content/plugins/backdoor.php", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_missing_from_the_bundle_is_refused()
    {
        var entries = Entries(Manifest());
        entries.RemoveAt(4);

        var error = await Assert.ThrowsAsync<BundleManifestMismatchException>(async () => await CheckAsync(await WriteAsync(entries)));

        Assert.Contains("lists 'wp-content/themes/t/style.css', which it does not hold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_dump_that_differs_from_the_manifest_is_refused()
    {
        var entries = Entries(Manifest());
        entries[^2] = CraftedBundle.File("database.sql", Dump + "DROP TABLE wp_users;\n");

        var error = await Assert.ThrowsAsync<BundleManifestMismatchException>(async () => await CheckAsync(await WriteAsync(entries)));

        Assert.Contains("'database.sql'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bundle_without_a_manifest_or_with_something_after_it_is_refused()
    {
        var without = Entries(Manifest());
        without.RemoveAt(without.Count - 1);
        Assert.Contains("no manifest.json", (await Assert.ThrowsAsync<BundleManifestMismatchException>(async () => await CheckAsync(await WriteAsync(without)))).Message, StringComparison.Ordinal);

        var after = Entries(Manifest());
        after.Add(CraftedBundle.File("wp-content/late.php"));
        Assert.Contains("comes after manifest.json", (await Assert.ThrowsAsync<BundleManifestMismatchException>(async () => await CheckAsync(await WriteAsync(after, "after.tar.zst")))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_byte_changed_in_the_compressed_bundle_or_its_end_cut_off_is_refused_as_damaged()
    {
        var flipped = await WriteAsync(Entries(Manifest()));
        var bytes = await File.ReadAllBytesAsync(flipped);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(flipped, bytes);
        await Assert.ThrowsAsync<DamagedBundleException>(() => CheckAsync(flipped));

        var truncated = await WriteAsync(Entries(Manifest()), "truncated.tar.zst");
        await using (var file = new FileStream(truncated, FileMode.Open))
        {
            file.SetLength(file.Length - 40);
        }

        await Assert.ThrowsAsync<DamagedBundleException>(() => CheckAsync(truncated));
    }

    public static TheoryData<string, string> Hostile => new()
    {
        { "absolute", "/etc/cron.d/evil" },
        { "'..'", "wp-content/../../root/.ssh/authorized_keys" },
        { "outside", "link:wp-content/escape:../../.." },
        { "Fifo", "fifo:wp-content/pipe" },
        { "twice", "twice:wp-content/index.php" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task An_entry_a_restore_may_not_write_is_refused_before_the_manifest_is_read(string reason, string entry)
    {
        var entries = Entries(Manifest());
        entries.Insert(1, entry.Split(':') switch
        {
            ["link", var name, var target] => CraftedBundle.Link(name, target),
            ["fifo", var name] => CraftedBundle.Of(TarEntryType.Fifo, name),
            ["twice", var name] => CraftedBundle.File(name, SiteFiles[0].Content),
            _ => CraftedBundle.File(entry),
        });

        var error = await Assert.ThrowsAsync<HostileBundleEntryException>(async () => await CheckAsync(await WriteAsync(entries)));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private Task<WordPressBundleReport> CheckAsync(string bundle) =>
        WordPressBundleCheck.CheckAsync(bundle, _temp.Path, null, CancellationToken.None);

    private async Task<string> WriteAsync(List<TarEntry> entries, string name = "bundle.tar.zst")
    {
        var path = _temp.Combine(name);
        await CraftedBundle.WriteAsync(path, [.. entries]);
        return path;
    }

    // As a backup writes it: wp-content (directories, files, a link), then the dump, then the manifest.
    internal static List<TarEntry> Entries(string manifest) =>
    [
        CraftedBundle.Directory("wp-content"),
        CraftedBundle.File(SiteFiles[0].Path, SiteFiles[0].Content),
        CraftedBundle.File(SiteFiles[1].Path, SiteFiles[1].Content),
        CraftedBundle.Link("wp-content/latest.jpg", "uploads/2024/photo.jpg"),
        CraftedBundle.File(SiteFiles[2].Path, SiteFiles[2].Content),
        CraftedBundle.File("database.sql", Dump),
        CraftedBundle.File("manifest.json", manifest),
    ];

    internal static string Manifest() => JsonSerializer.Serialize(new
    {
        format = "backupd-bundle/1",
        module = "wordpress",
        jobId = "0193a1b2c3d4",
        site = new { url = "https://shop.example", path = "/srv/www/shop", tablePrefix = "wp_" },
        database = new { entry = "database.sql", bytes = Encoding.UTF8.GetByteCount(Dump), sha256 = Sha(Dump) },
        files = new
        {
            root = "wp-content",
            count = SiteFiles.Length,
            bytes = SiteFiles.Sum(f => Encoding.UTF8.GetByteCount(f.Content)),
            entries = SiteFiles.Select(f => new { path = f.Path, size = Encoding.UTF8.GetByteCount(f.Content), sha256 = Sha(f.Content) }),
        },
    });

    private static string Sha(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}
