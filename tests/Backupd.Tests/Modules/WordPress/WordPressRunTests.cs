using System.Text.Json;
using Backupd.Bundles;
using Backupd.Modules;
using Backupd.Modules.Resources;
using Backupd.Modules.Storage;
using Backupd.Modules.WordPress;
using Backupd.Storage;
using Backupd.TestBed;
using Backupd.Tests.TestBed;

namespace Backupd.Tests.Modules.WordPress;

/// <summary>The module's stages on the fixture site, run the way a node runs them.</summary>
[Collection(WordPressCollection.Name)]
public sealed class WordPressRunTests(WordPressFixture wordPress) : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("backupd-wordpress-run-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task With_one_io_slot_the_dump_and_wp_content_take_turns_and_the_bundle_completes()
    {
        // backup_db and backup_files run together and both need the one I/O slot: a stage that
        // kept it while waiting for the other would hang the job until this timeout.
        var entries = await RunAndListAsync(new ResourceLimits(MaxIo: 1, MaxNetwork: 1, MaxBandwidthMbps: null, MaxCpu: 1));

        // wp-content streams first, the dump follows once written, the manifest closes the bundle.
        Assert.StartsWith("wp-content", entries[0].Name, StringComparison.Ordinal);
        Assert.Equal(["database.sql", "manifest.json"], entries[^2..].Select(e => e.Name));
    }

    [Fact]
    public async Task The_manifest_lists_every_stored_file_and_the_dump_with_the_size_and_sha256_stored_for_each()
    {
        var entries = await RunAndListAsync(ResourceLimits.Default);

        var manifest = await ReadManifestAsync(entries);
        Assert.Equal(("backupd-bundle/1", "wordpress", "run-test", "node"), (
            manifest.GetProperty("format").GetString(), manifest.GetProperty("module").GetString(),
            manifest.GetProperty("jobId").GetString(), manifest.GetProperty("nodeId").GetString()));
        var dump = entries.Single(e => e.Name == "database.sql");
        Assert.Equal((dump.Size, dump.Sha256Hex), (
            manifest.GetProperty("database").GetProperty("bytes").GetInt64(), manifest.GetProperty("database").GetProperty("sha256").GetString()));

        var files = manifest.GetProperty("files");
        var stored = entries.Where(e => e.Name.StartsWith("wp-content/", StringComparison.Ordinal) && BundleReader.IsRegularFile(e.Type)).ToList();
        var listed = files.GetProperty("entries").EnumerateArray()
            .Select(e => (e.GetProperty("path").GetString()!, e.GetProperty("size").GetInt64(), e.GetProperty("sha256").GetString()))
            .ToList();
        Assert.Equal(stored.Select(e => (e.Name, e.Size, e.Sha256Hex)), listed);
        Assert.Equal(stored.Count, files.GetProperty("count").GetInt32());
        Assert.Equal(stored.Sum(e => e.Size), files.GetProperty("bytes").GetInt64());
        Assert.Contains(listed, e => e.Item1.EndsWith("/" + WordPressSite.NonAsciiUploadName.Normalize(System.Text.NormalizationForm.FormC), StringComparison.Ordinal));
        // The spool, the digest file and the manifest's own file are gone with the rest of the work dir.
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.FullName, "work")));
    }

    private async Task<List<BundleEntry>> RunAndListAsync(ResourceLimits limits)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var work = Directory.CreateDirectory(Path.Combine(_root.FullName, "work")).FullName;
        var store = Directory.CreateDirectory(Path.Combine(_root.FullName, "store")).FullName;
        var module = new WordPressModule();
        using var resources = new ResourceManager(limits);
        var storage = new LocalFolderStorage(store, "");
        await using var run = module.CreateRun(JsonSerializer.SerializeToElement(new { path = wordPress.Site.RootPath }));
        var outcomes = new RecordingStageObserver();

        var error = await StageRunner.RunAsync(run, module.Stages, (index, ct) => new StageContext
        {
            JobId = "run-test",
            NodeId = "node",
            StageName = module.Stages[index].Name,
            WorkDirectory = work,
            Resources = resources,
            Reporter = new NullStageReporter(),
            OpenStorageAsync = _ => Task.FromResult<IBundleStorage>(storage),
            PlaceBundleAsync = (siteName, _, _) => Task.FromResult(BundleKey.Compose("node", "wordpress", siteName, DateTimeOffset.UtcNow, "run-test")),
            RunStartedAt = DateTimeOffset.UtcNow,
            BackupdVersion = "test",
            CancellationToken = ct,
        }, outcomes, earlierError: null, resumeAt: 0, timeout.Token);

        Assert.False(timeout.IsCancellationRequested, "the stages did not finish within two minutes");
        Assert.Null(error);
        Assert.Empty(outcomes.Faults);
        Assert.Equal(Enumerable.Repeat(StageOutcome.Completed, module.Stages.Count), outcomes.Outcomes());

        await using var bundle = File.OpenRead(Path.Combine(store, run.Result!.Key));
        var entries = new List<BundleEntry>();
        await foreach (var entry in BundleReader.ReadEntriesAsync(bundle, timeout.Token))
        {
            entries.Add(entry);
        }

        return entries;
    }

    private async Task<JsonElement> ReadManifestAsync(List<BundleEntry> entries)
    {
        var bundle = Directory.EnumerateFiles(Path.Combine(_root.FullName, "store"), "*.tar.zst", SearchOption.AllDirectories).Single();
        var unpacked = Path.Combine(_root.FullName, "unpacked");
        await using (var input = File.OpenRead(bundle))
        {
            await BundleReader.ExtractToDirectoryAsync(input, unpacked, CancellationToken.None);
        }

        var manifestBytes = await File.ReadAllBytesAsync(Path.Combine(unpacked, "manifest.json"));
        Assert.Equal(entries.Single(e => e.Name == "manifest.json").Size, manifestBytes.Length);
        return JsonDocument.Parse(manifestBytes).RootElement;
    }
}
