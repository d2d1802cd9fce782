using System.Text.Json;
using Backupd.Modules;
using Backupd.Modules.Resources;
using Backupd.Modules.Storage;

namespace Backupd.Bench;

/// <summary>A module's stages run as a node runs them (its stage runner, its default limits), against a storage of the bench's choosing.</summary>
internal static class BenchStages
{
    /// <summary>Runs every stage of <paramref name="module"/> with <paramref name="config"/>; returns the run, whose result the caller reads and disposes.</summary>
    /// <exception cref="InvalidOperationException">A stage failed.</exception>
    public static async Task<ModuleRun> RunAsync(BackupModule module, object config, string jobId, string workDirectory, IBundleStorage storage, IStageObserver observer)
    {
        using var resources = new ResourceManager(ResourceLimits.Default);
        var run = module.CreateRun(JsonSerializer.SerializeToElement(config, JsonSerializerOptions.Web));
        var started = DateTimeOffset.UtcNow;
        var error = await StageRunner.RunAsync(run, module.Stages, (index, ct) => new StageContext
        {
            JobId = jobId,
            NodeId = "bench-node",
            StageName = module.Stages[index].Name,
            WorkDirectory = workDirectory,
            Resources = resources,
            Reporter = new QuietReporter(),
            OpenStorageAsync = _ => Task.FromResult(storage),
            PlaceBundleAsync = (siteName, _, _) => Task.FromResult(BundleKey.Compose("bench-node", module.Name, siteName, started, jobId)),
            RunStartedAt = started,
            BackupdVersion = "bench",
            CancellationToken = ct,
        }, observer, earlierError: null, resumeAt: 0, CancellationToken.None);
        if (error is not null)
        {
            await run.DisposeAsync();
            throw new InvalidOperationException($"The {module.Name} job failed: {error}");
        }

        return run;
    }
}
