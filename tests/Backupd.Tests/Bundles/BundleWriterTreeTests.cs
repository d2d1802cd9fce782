using System.Formats.Tar;
using Backupd.Bundles;
using Backupd.TestBed;
using Microsoft.Extensions.Time.Testing;

namespace Backupd.Tests.Bundles;

/// <summary>How <see cref="BundleWriter.AddTreeAsync"/> walks: what it leaves out, in which order, and how it stops.</summary>
public sealed class BundleWriterTreeTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Excluded_names_and_directories_are_left_out_and_not_descended()
    {
        var source = _temp.Combine("site");
        SampleTree.Create(source);
        var bundle = _temp.Combine("site.tar.zst");

        var (result, _) = await BundleFiles.WriteTreeAsync(bundle, source, "wp-content", ["cache", "*.log", "uploads/big/**"]);

        var entries = await BundleFiles.ListAsync(bundle);
        var names = entries.Select(e => e.Name).ToList();
        Assert.DoesNotContain(names, n => n.Contains("cache", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.EndsWith(".log", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("wp-content/uploads/big", StringComparison.Ordinal));
        Assert.Contains("wp-content/logs/keep.txt", names);
        Assert.Contains("wp-content/uploads/small.jpg", names);
        Assert.Contains("wp-content/uploads", names);
        Assert.Equal(entries.Where(e => e.Type == TarEntryType.RegularFile).Select(e => e.Name), result.Files.Select(f => f.EntryName));
    }

    [Fact]
    public async Task Entries_come_depth_first_in_ordinal_name_order()
    {
        var source = _temp.Combine("site");
        SampleTree.Create(source);
        var bundle = _temp.Combine("site.tar.zst");

        await BundleFiles.WriteTreeAsync(bundle, source, "");

        var expected = new List<string>();
        void Walk(string directory, string relative)
        {
            foreach (var name in Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal))
            {
                var path = Path.Combine(directory, name!);
                var entryName = relative.Length == 0 ? name! : $"{relative}/{name}";
                expected.Add(entryName);
                if (new FileInfo(path).LinkTarget is null && Directory.Exists(path))
                {
                    Walk(path, entryName);
                }
            }
        }

        Walk(source, "");
        Assert.Equal(expected, (await BundleFiles.ListAsync(bundle)).Select(e => e.Name));
    }

    [Fact]
    public async Task Fifos_are_skipped_and_reported_without_being_opened()
    {
        var source = _temp.Combine("site");
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, "index.php"), "<?php\n");
        var mkfifo = RequiredProgram.Find("mkfifo", "apt-get install coreutils");
        (await ProcessRunner.RunAsync(mkfifo, [Path.Combine(source, "pipe")], TimeSpan.FromSeconds(30))).EnsureSuccess("creating a FIFO");
        var bundle = _temp.Combine("site.tar.zst");

        var (_, tree) = await BundleFiles.WriteTreeAsync(bundle, source, "site");

        Assert.Equal(1, tree.Skipped);
        Assert.Equal(["pipe"], tree.SkippedPaths);
        Assert.Equal(["site", "site/index.php"], (await BundleFiles.ListAsync(bundle)).Select(e => e.Name));
    }

    [Fact]
    public async Task Progress_comes_during_the_walk_and_once_at_the_end()
    {
        var source = _temp.Combine("site");
        SampleTree.Create(source);
        var reports = new List<BundleProgress>();
        var clock = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMilliseconds(100) };
        await using var output = new FileStream(_temp.Combine("site.tar.zst"), FileMode.CreateNew, FileAccess.Write);
        await using var writer = new BundleWriter(output, new BundleWriterOptions { TimeProvider = clock });

        var tree = await writer.AddTreeAsync(source, "site", [], new ActionProgress<BundleProgress>(reports.Add), CancellationToken.None);

        Assert.True(reports.Count > 2, $"only {reports.Count} reports");
        Assert.All(reports[..^1], r => Assert.StartsWith("site/", r.CurrentPath));
        Assert.Equal(new BundleProgress(tree.Files, tree.Bytes, null), reports[^1]);
        Assert.Equal(reports.Select(r => r.BytesDone).Order(), reports.Select(r => r.BytesDone));
        Assert.True(reports.Count(r => r.CurrentPath == "site/random.bin") > 1, "no reports from inside the 20 MiB file");
    }

    [Fact]
    public async Task Progress_is_paced_by_the_clock()
    {
        var source = _temp.Combine("site");
        SampleTree.Create(source);
        var reports = new List<BundleProgress>();
        await using var output = new FileStream(_temp.Combine("site.tar.zst"), FileMode.CreateNew, FileAccess.Write);
        await using var writer = new BundleWriter(output, new BundleWriterOptions { TimeProvider = new FakeTimeProvider() });

        await writer.AddTreeAsync(source, "site", [], new ActionProgress<BundleProgress>(reports.Add), CancellationToken.None);

        // The clock never moves, so 250 ms never pass: only the final report.
        Assert.Single(reports);
    }

    [Fact]
    public async Task Cancelling_mid_tree_throws_OperationCanceledException()
    {
        var source = _temp.Combine("site");
        SampleTree.Create(source);
        using var cancellation = new CancellationTokenSource();
        var progress = new ActionProgress<BundleProgress>(_ => cancellation.Cancel());
        var clock = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMilliseconds(100) };
        await using var output = new FileStream(_temp.Combine("site.tar.zst"), FileMode.CreateNew, FileAccess.Write);
        var writer = new BundleWriter(output, new BundleWriterOptions { TimeProvider = clock });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.AddTreeAsync(source, "site", [], progress, cancellation.Token));

        await writer.DisposeAsync();
    }

    [Fact]
    public async Task A_file_that_cannot_be_read_fails_the_tree_naming_its_path()
    {
        // Deleted mid-walk by the progress callback: a failure that running as root cannot read past.
        var source = _temp.Combine("site");
        for (var i = 0; i < 20; i++)
        {
            Directory.CreateDirectory(Path.Combine(source, "a"));
            await File.WriteAllTextAsync(Path.Combine(source, "a", $"file-{i:D2}.txt"), new string('x', 1000));
        }

        var victim = Path.Combine(source, "zz-last.txt");
        await File.WriteAllTextAsync(victim, "read me if you can");
        var progress = new ActionProgress<BundleProgress>(_ => File.Delete(victim));
        var clock = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMilliseconds(100) };
        await using var output = new FileStream(_temp.Combine("site.tar.zst"), FileMode.CreateNew, FileAccess.Write);
        await using var writer = new BundleWriter(output, new BundleWriterOptions { TimeProvider = clock });

        var error = await Assert.ThrowsAsync<BundleSourceException>(() => writer.AddTreeAsync(source, "site", [], progress, CancellationToken.None));

        Assert.Equal(victim, error.SourcePath);
        Assert.Contains(victim, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_fails_naming_its_path_and_leaves_the_bundle_usable()
    {
        var missing = _temp.Combine("not-there.sql");
        var bundle = _temp.Combine("job.tar.zst");
        await using var output = new FileStream(bundle, FileMode.CreateNew, FileAccess.Write);
        await using var writer = new BundleWriter(output, new BundleWriterOptions());

        var error = await Assert.ThrowsAsync<BundleSourceException>(() => writer.AddFileAsync(missing, "db.sql", CancellationToken.None));
        await writer.AddBytesAsync("manifest.json", "{}"u8.ToArray(), CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Equal(["manifest.json"], (await BundleFiles.ListAsync(bundle)).Select(e => e.Name));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("dir/")]
    [InlineData("")]
    public async Task Invalid_entry_names_are_refused(string entryName)
    {
        await using var writer = new BundleWriter(Stream.Null, new BundleWriterOptions());

        await Assert.ThrowsAsync<ArgumentException>(() => writer.AddBytesAsync(entryName, "x"u8.ToArray(), CancellationToken.None));
    }
}
