using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using Backupd.Modules;
using Backupd.Modules.Pruning;
using Backupd.Modules.Resources;
using Backupd.Modules.Storage;
using Backupd.Modules.Verification;
using Backupd.Modules.WordPress;
using Backupd.Modules.WordPress.Restore;
using Backupd.Modules.WordPress.Verification;
using Backupd.Storage;
using Backupd.Tests.Bundles;

namespace Backupd.Tests.Modules.Verification;

/// <summary>
/// A verify job's stages, run as a node runs them against a local folder: a whole bundle passes;
/// one that changed in storage is refused as changed (not as damaged, though its members are read
/// as it arrives); one stored as recorded but not matching its own manifest, or holding an entry
/// no restore may write, is refused by the member check.
/// </summary>
public sealed class BundleVerifyModuleTests : IDisposable
{
    private const string Key = "node-1/wordpress/shop.example/20261203T120000Z-job1.tar.zst";
    private readonly TempDirectory _temp = new();
    private readonly string _store;
    private readonly string _work;

    public BundleVerifyModuleTests()
    {
        _store = Directory.CreateDirectory(_temp.Combine("store")).FullName;
        _work = Directory.CreateDirectory(_temp.Combine("work")).FullName;
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_bundle_stored_as_recorded_and_matching_its_manifest_passes_both_stages()
    {
        var source = await StoreAsync(WordPressBundleCheckTests.Entries(WordPressBundleCheckTests.Manifest()));

        var (outcomes, error, log) = await RunAsync(source);

        Assert.Null(error);
        Assert.Equal([StageOutcome.Completed, StageOutcome.Completed], outcomes);
        Assert.Contains(log, line => line.StartsWith($"Downloaded {Key}", StringComparison.Ordinal) && line.Contains($"{source.Size} bytes", StringComparison.Ordinal));
        Assert.Contains(log, line => line.StartsWith("Every member matches the manifest: 3 files", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bundle_changed_in_storage_since_the_backup_is_refused_as_changed_whatever_its_members_say()
    {
        var source = await StoreAsync(WordPressBundleCheckTests.Entries(WordPressBundleCheckTests.Manifest()));
        var path = Path.Combine(_store, Key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);

        var (outcomes, error, _) = await RunAsync(source);

        Assert.Equal(StageOutcome.Failed, outcomes[0]);
        Assert.Equal(StageOutcome.Skipped, outcomes[1]);
        Assert.Contains($"is not the one backup job {source.JobId} stored", error, StringComparison.Ordinal);
        Assert.Contains("do not restore from it", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bundle_stored_as_recorded_whose_member_differs_from_its_manifest_is_refused_naming_it()
    {
        // The record and the stored bytes agree: the node that made it wrote a manifest its files do not match.
        var entries = WordPressBundleCheckTests.Entries(WordPressBundleCheckTests.Manifest());
        entries[2] = CraftedBundle.File("wp-content/uploads/2024/photo.jpg", "swapped after the manifest was written");
        var source = await StoreAsync(entries);

        var (outcomes, error, _) = await RunAsync(source);

        Assert.Equal([StageOutcome.Completed, StageOutcome.Failed], outcomes);
        Assert.Contains("does not match its manifest", error, StringComparison.Ordinal);
        Assert.Contains("wp-content/uploads/2024/photo.jpg", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bundle_holding_an_entry_no_restore_may_write_is_refused()
    {
        var entries = WordPressBundleCheckTests.Entries(WordPressBundleCheckTests.Manifest());
        entries.Insert(1, CraftedBundle.File("wp-content/../../etc/cron.d/evil", "* * * * * root sh"));
        var source = await StoreAsync(entries);

        var (_, error, _) = await RunAsync(source);

        Assert.Contains("wp-content/../../etc/cron.d/evil", error, StringComparison.Ordinal);
        Assert.Contains($"Do not restore from bundle {Key}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bundle_gone_from_storage_fails_the_fetch_saying_so()
    {
        var source = new BundleSource("job1", Key, 1000, new string('a', 64));

        var (outcomes, error, _) = await RunAsync(source);

        Assert.Equal(StageOutcome.Failed, outcomes[0]);
        Assert.Contains("is not in", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_the_bundle_downloads_the_check_follows_it_holding_no_io_slot_and_takes_one_for_what_is_left_once_it_is_whole()
    {
        using var resources = new ResourceManager(ResourceLimits.Default with { MaxIo = 1 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var (storage, run) = await StartHalfwayAsync(resources);
        try
        {
            await storage.Halfway.Task.WaitAsync(timeout.Token);
            // The check has started on what arrived (its files are in the work dir) and holds no slot:
            // a backup's I/O stage gets the node's only one at once, however slow the download.
            await UntilAsync(() => Directory.EnumerateFiles(_work, "check-*").Any(), timeout.Token);
            Assert.Equal(0, resources.Usage(ResourceKind.Io).InUse);
            var backupsSlot = await resources.AcquireAsync(ResourceKind.Io, timeout.Token);

            // Half the bundle lands at once, unannounced: the check reads it at the disk's pace, so it waits for a slot first.
            storage.Resume();
            await UntilAsync(() => resources.Usage(ResourceKind.Io).Waiting == 1, timeout.Token);
            Assert.False(run.IsCompleted);
            backupsSlot.Dispose();

            var (outcomes, error, _) = await run;
            Assert.Null(error);
            Assert.Equal([StageOutcome.Completed, StageOutcome.Completed], outcomes);
            Assert.Equal(0, resources.Usage(ResourceKind.Io).InUse);
        }
        finally
        {
            storage.Resume();
            await Record.ExceptionAsync(() => run);
        }
    }

    [Fact]
    public async Task A_verify_cancelled_while_its_check_waits_for_an_io_slot_leaves_no_slot_taken_or_waited_for()
    {
        using var resources = new ResourceManager(ResourceLimits.Default with { MaxIo = 1 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var cancel = new CancellationTokenSource();
        var (storage, run) = await StartHalfwayAsync(resources, cancel.Token);
        using var backupsSlot = await resources.AcquireAsync(ResourceKind.Io, timeout.Token);
        storage.Resume();
        await UntilAsync(() => resources.Usage(ResourceKind.Io).Waiting == 1, timeout.Token);

        await cancel.CancelAsync();
        var (outcomes, _, _) = await run;

        Assert.Contains(StageOutcome.Cancelled, outcomes);
        Assert.Equal(new ResourceUsage(1, 1, 0, 1), resources.Usage(ResourceKind.Io));
        backupsSlot.Dispose();
        Assert.Equal(0, resources.Usage(ResourceKind.Io).InUse);
    }

    [Fact]
    public void Only_the_master_makes_verify_jobs_and_a_config_with_a_key_outside_the_provider_is_refused()
    {
        var module = new BundleVerifyModule();
        var config = JsonSerializer.SerializeToElement(new { bundle = new { jobId = "j", key = "../other/b.tar.zst", size = 1, sha256 = "xyz" } });

        var errors = module.ValidateConfig(config);

        Assert.True(module.MasterOnly);
        Assert.Equal(["bundle.key", "bundle.sha256"], errors.Select(e => e.Field));
    }

    [Fact]
    public void The_grains_list_of_master_only_modules_and_readers_agrees_with_the_modules()
    {
        BackupModule[] modules = [new WordPressModule(), new BundlePruneModule(), new BundleVerifyModule(), new WordPressRestoreModule()];

        Assert.All(modules, module => Assert.Equal(module.MasterOnly, ModuleNames.IsMasterOnly(module.Name)));
        Assert.Equal([ModuleNames.Verify, ModuleNames.Restore], modules.Where(m => ModuleNames.ReadsBundle(m.Name)).Select(m => m.Name));
    }

    private async Task<BundleSource> StoreAsync(List<TarEntry> entries)
    {
        var path = Path.Combine(_store, Key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await CraftedBundle.WriteAsync(path, [.. entries]);
        await using var stream = File.OpenRead(path);
        return new BundleSource("0193a1b2c3d4", Key, stream.Length, Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)));
    }

    // A verify of a whole bundle whose download stops halfway until resumed.
    private async Task<(HalfwayStorage Storage, Task<(StageOutcome[] Outcomes, string? Error, IReadOnlyList<string> Log)> Run)> StartHalfwayAsync(
        ResourceManager resources, CancellationToken cancel = default)
    {
        var source = await StoreAsync(WordPressBundleCheckTests.Entries(WordPressBundleCheckTests.Manifest()));
        var storage = new HalfwayStorage(new LocalFolderStorage(_store, ""));
        return (storage, RunAsync(source, storage, resources, cancel));
    }

    private async Task<(StageOutcome[] Outcomes, string? Error, IReadOnlyList<string> Log)> RunAsync(
        BundleSource source, IBundleStorage? storage = null, ResourceManager? resources = null, CancellationToken cancel = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        var module = new BundleVerifyModule();
        using var ownResources = new ResourceManager(ResourceLimits.Default);
        resources ??= ownResources;
        storage ??= new LocalFolderStorage(_store, "");
        var reporter = new LogReporter();
        await using var run = module.CreateRun(JsonSerializer.SerializeToElement(new BundleVerifyConfig(source), JsonSerializerOptions.Web));
        var observer = new RecordingStageObserver();
        var error = await StageRunner.RunAsync(run, module.Stages, (index, ct) => new StageContext
        {
            JobId = "verify-test",
            NodeId = "node-1",
            StageName = module.Stages[index].Name,
            WorkDirectory = _work,
            Resources = resources,
            Reporter = reporter,
            OpenStorageAsync = _ => Task.FromResult<IBundleStorage>(storage),
            PlaceBundleAsync = (_, _, _) => throw new InvalidOperationException("a verify job stores no bundle"),
            RunStartedAt = DateTimeOffset.UtcNow,
            BackupdVersion = "test",
            CancellationToken = ct,
        }, observer, earlierError: null, resumeAt: 0, timeout.Token);
        return (observer.Outcomes(), error, reporter.Lines);
    }

    private static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    // A download that writes the first half of the bundle, says so, waits to be resumed, then
    // writes the rest without a word (as a download may: the end is announced by its return).
    private sealed class HalfwayStorage(LocalFolderStorage inner) : IBundleStorage
    {
        private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Halfway { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Description => inner.Description;

        public void Resume() => _resume.TrySetResult();

        public async Task<StoredBundleInfo> DownloadAsync(BundleDownload download, CancellationToken cancellationToken)
        {
            var whole = Path.Combine(Path.GetDirectoryName(download.LocalPath)!, "whole.tmp");
            var info = await inner.DownloadAsync(download with { LocalPath = whole, Progress = null }, cancellationToken);
            var bytes = await File.ReadAllBytesAsync(whole, cancellationToken);
            File.Delete(whole);
            await using (var file = new FileStream(download.LocalPath, FileMode.Create, FileAccess.Write, FileShare.Read))
            {
                await file.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), cancellationToken);
                await file.FlushAsync(cancellationToken);
                download.Progress?.Report(bytes.Length / 2);
                Halfway.TrySetResult();
                await _resume.Task.WaitAsync(cancellationToken);
                await file.WriteAsync(bytes.AsMemory(bytes.Length / 2), cancellationToken);
            }

            return info;
        }

        public Task<StoredBundleInfo> UploadAsync(BundleUpload upload, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DeleteAsync(string fullKey, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class LogReporter : IStageReporter
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public void Progress(long bytesDone, long? bytesTotal = null, string? message = null)
        {
        }

        public void Info(string message)
        {
            lock (_lines)
            {
                _lines.Add(message);
            }
        }

        public void Warning(string message) => Info(message);
    }
}
