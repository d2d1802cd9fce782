using System.Text.Json;
using Backupd.Modules;
using Backupd.Modules.Bundles;
using Backupd.Modules.Resources;
using Backupd.Modules.Storage;
using Backupd.Modules.WordPress;
using Backupd.Storage;
using Backupd.TestBed;
using Backupd.Tests.TestBed;

namespace Backupd.Tests.Modules.WordPress;

/// <summary>The module's stages on the fixture site, run the way a node runs them.</summary>
[Collection(WordPressCollection.Name)]
public sealed class WordPressRunTests(WordPressFixture wordPress)
{
    [Fact]
    public async Task With_one_io_slot_the_dump_and_wp_content_take_turns_and_the_bundle_completes()
    {
        // backup_db and backup_files run together and both need the one I/O slot: a stage that
        // kept it while waiting for the other would hang the job until this timeout.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var root = Directory.CreateTempSubdirectory("backupd-wordpress-run-");
        try
        {
            var work = Directory.CreateDirectory(Path.Combine(root.FullName, "work")).FullName;
            var store = Directory.CreateDirectory(Path.Combine(root.FullName, "store")).FullName;
            var module = new WordPressModule();
            using var resources = new ResourceManager(new ResourceLimits(MaxIo: 1, MaxNetwork: 1, MaxBandwidthMbps: null, MaxCpu: 1));
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
                RunStartedAt = DateTimeOffset.UtcNow,
                BackupdVersion = "test",
                CancellationToken = ct,
            }, outcomes, earlierError: null, timeout.Token);

            Assert.False(timeout.IsCancellationRequested, "the stages did not finish within two minutes");
            Assert.Null(error);
            Assert.Empty(outcomes.Faults);
            Assert.Equal(Enumerable.Repeat(StageOutcome.Completed, module.Stages.Count), outcomes.Outcomes());

            // wp-content streams first, the dump follows once written, the manifest closes the bundle.
            await using var bundle = File.OpenRead(Path.Combine(store, run.Result!.Key));
            var names = new List<string>();
            await foreach (var entry in BundleReader.ReadEntriesAsync(bundle, timeout.Token))
            {
                names.Add(entry.Name);
            }

            Assert.StartsWith("wp-content", names[0], StringComparison.Ordinal);
            Assert.Equal(["database.sql", "manifest.json"], names[^2..]);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
