using Backupd.Modules.Storage;
using Backupd.Modules.Verification;

namespace Backupd.Modules.WordPress.Verification;

/// <summary>
/// Proves a stored bundle whole without restoring it: downloads it from the job's provider,
/// holds its size and SHA-256 against what the master recorded when the backup finished, then
/// checks every member against the manifest the bundle carries. Only the master makes these jobs,
/// from its own record of a finished backup. Bundles are WordPress bundles today; another kind
/// of bundle will bring its own member check here.
/// </summary>
public sealed class BundleVerifyModule : BackupModule<BundleVerifyConfig>
{
    /// <summary>The stage names, in order.</summary>
    public static class StageNames
    {
        public const string FetchBundle = "fetch_bundle";
        public const string CheckMembers = "check_members";
    }

    public override string Name => ModuleNames.Verify;

    public override bool MasterOnly => true;

    public override string Description => "Downloads a stored bundle and checks it against the master's record and every member against its manifest, without restoring it.";

    public override IReadOnlyList<StageDefinition> Stages { get; } =
    [
        new(StageNames.FetchBundle, "Download the bundle and check its size and SHA-256 against the backup's record"),
        new(StageNames.CheckMembers, "Check every file and the database dump against the bundle's manifest"),
    ];

    protected override IEnumerable<ConfigError> Validate(BundleVerifyConfig config) => config.Bundle.Validate(BundleSource.ConfigProperty);

    protected override ModuleRun CreateRun(BundleVerifyConfig config) => new Run(config.Bundle);

    private sealed class Run(BundleSource bundle) : ModuleRun
    {
        private readonly BundleStages _stages = new();

        public override Task RunStageAsync(string stage, StageContext context) => stage switch
        {
            StageNames.FetchBundle => _stages.FetchAsync(bundle, context),
            StageNames.CheckMembers => _stages.CheckAsync(bundle, context),
            _ => throw new ArgumentException($"The verify module has no stage '{stage}'.", nameof(stage)),
        };

        public override async ValueTask DisposeAsync()
        {
            await _stages.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
