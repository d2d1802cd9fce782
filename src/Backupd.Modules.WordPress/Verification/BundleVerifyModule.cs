using Backupd.Bundles;
using Backupd.Modules.Resources;
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

    /// <summary>The downloaded bundle's name in the work dir.</summary>
    public const string DownloadName = "bundle.tar.zst";

    // Headroom beside the download for the manifest and the list of digests the check writes.
    private const long Margin = 64L << 20;

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
        public override Task RunStageAsync(string stage, StageContext context) => stage switch
        {
            StageNames.FetchBundle => FetchAsync(context),
            StageNames.CheckMembers => CheckAsync(context),
            _ => throw new ArgumentException($"The verify module has no stage '{stage}'.", nameof(stage)),
        };

        private async Task FetchAsync(StageContext context)
        {
            var ct = context.CancellationToken;
            var free = new DriveInfo(context.WorkDirectory).AvailableFreeSpace;
            if (free < bundle.Size + Margin)
            {
                throw new ModuleFailedException($"Not enough free space in {context.WorkDirectory} to download the bundle: {FreeSpaceCheck.Format(free)} free, "
                    + $"{FreeSpaceCheck.Format(bundle.Size + Margin)} needed. Free some space, or set BACKUPD_DATA_DIR to a larger disk.");
            }

            var storage = await context.OpenStorageAsync(ct);
            using var slot = await context.Resources.AcquireAsync(ResourceKind.Network, ct);
            var received = await storage.DownloadAsync(new BundleDownload(bundle.Key, PathIn(context), bundle.Size)
            {
                Progress = new SynchronousProgress<long>(done => context.Reporter.Progress(done, bundle.Size)),
            }, ct);
            if (received.Size != bundle.Size || !string.Equals(received.Sha256Hex, bundle.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModuleFailedException($"The stored bundle {bundle.Key} is not the one backup job {bundle.JobId} stored: it has {received.Size} bytes with SHA-256 {received.Sha256Hex}, "
                    + $"the master recorded {bundle.Size} bytes with SHA-256 {bundle.Sha256}. It was changed or damaged in storage; do not restore from it.");
            }

            context.Reporter.Info($"Downloaded {bundle.Key} from {storage.Description}: {received.Size} bytes, SHA-256 as recorded when job {bundle.JobId} stored it");
        }

        private async Task CheckAsync(StageContext context)
        {
            using var slot = await context.Resources.AcquireAsync(ResourceKind.Io, context.CancellationToken);
            WordPressBundleReport report;
            try
            {
                report = await WordPressBundleCheck.CheckAsync(PathIn(context), context.WorkDirectory,
                    new SynchronousProgress<long>(done => context.Reporter.Progress(done, bundle.Size)), context.CancellationToken);
            }
            catch (Exception ex) when (ex is DamagedBundleException or HostileBundleEntryException or BundleManifestMismatchException)
            {
                throw new ModuleFailedException($"{ex.Message} Do not restore from bundle {bundle.Key}.", ex);
            }

            if (report.JobId is { } madeBy && madeBy != bundle.JobId)
            {
                throw new ModuleFailedException($"Bundle {bundle.Key} says job {madeBy} made it, not job {bundle.JobId}: it is not the bundle the master recorded.");
            }

            var database = report.DatabaseBytes is { } dump ? $", the database dump ({FreeSpaceCheck.Format(dump)})" : ", no database dump";
            context.Reporter.Info($"Every member matches the manifest: {report.Files} files ({FreeSpaceCheck.Format(report.FileBytes)}), "
                + $"{report.Directories} directories, {report.Links} links{database}; site {report.SiteUrl ?? "(no URL recorded)"}");
        }

        private static string PathIn(StageContext context) => Path.Combine(context.WorkDirectory, DownloadName);
    }
}
