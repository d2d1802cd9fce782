using System.ComponentModel;

namespace Backupd.Modules.Pruning;

/// <summary>The config of a prune job: which bundles to delete from the job's provider.</summary>
/// <param name="Keys">Full keys of the bundles to delete.</param>
/// <param name="JobIds">The jobs that made them, marked pruned when this job completes.</param>
public sealed record BundlePruneConfig(
    [property: Description("Full keys of the bundles to delete from the job's provider.")]
    IReadOnlyList<string> Keys,
    [property: Description("The jobs whose bundles these are.")]
    IReadOnlyList<string> JobIds);

/// <summary>
/// Deletes bundles that a schedule's retention no longer keeps, on the node, for providers the
/// master cannot reach itself (a local folder lives on the node). Schedules create these jobs.
/// </summary>
public sealed class BundlePruneModule : BackupModule<BundlePruneConfig>
{
    /// <summary>Its one stage.</summary>
    public const string DeleteStage = "delete_bundles";

    public override string Name => ModuleNames.Prune;

    public override bool MasterOnly => true;

    public override string Description => "Deletes old bundles from the job's provider on behalf of a schedule's retention policy.";

    public override IReadOnlyList<StageDefinition> Stages { get; } = [new(DeleteStage, "Delete the bundles retention no longer keeps")];

    protected override IEnumerable<ConfigError> Validate(BundlePruneConfig config)
    {
        if (config.Keys.Count == 0)
        {
            yield return new ConfigError("keys", "must name at least one bundle");
        }

        foreach (var (key, index) in config.Keys.Select((k, i) => (k, i)))
        {
            if (string.IsNullOrWhiteSpace(key) || key.StartsWith('/') || key.Split('/').Contains(".."))
            {
                yield return new ConfigError($"keys[{index}]", "must be a bundle key inside the provider, without a leading '/' or '..'");
            }
        }
    }

    protected override ModuleRun CreateRun(BundlePruneConfig config) => new Run(config);

    private sealed class Run(BundlePruneConfig config) : ModuleRun
    {
        public override async Task RunStageAsync(string stage, StageContext context)
        {
            var storage = await context.OpenStorageAsync(context.CancellationToken);
            var done = 0;
            foreach (var key in config.Keys)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                await storage.DeleteAsync(key, context.CancellationToken);
                context.Reporter.Progress(++done, config.Keys.Count, key);
                context.Reporter.Info($"Deleted {key} from {storage.Description}");
            }
        }
    }
}
