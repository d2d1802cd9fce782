using Backupd.Bundles;
using Backupd.Modules.Resources;
using Backupd.Modules.Storage;

namespace Backupd.Modules.WordPress.Verification;

/// <summary>
/// The two stages every job that reads a stored bundle starts with (verify, restore): download it
/// and hold it against the master's record, then check every member against its manifest.
/// Nothing else is read or touched before both pass.
/// </summary>
internal static class BundleStages
{
    /// <summary>The downloaded bundle's name in the work dir.</summary>
    public const string DownloadName = "bundle.tar.zst";

    // Headroom beside the download for the manifest and the list of digests the check writes.
    private const long Margin = 64L << 20;

    /// <summary>The downloaded bundle in the job's work dir.</summary>
    public static string DownloadPath(StageContext context) => Path.Combine(context.WorkDirectory, DownloadName);

    /// <summary>Downloads the bundle into the work dir; fails unless its size and SHA-256 are the record's.</summary>
    public static async Task FetchAsync(BundleSource bundle, StageContext context)
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
        var received = await storage.DownloadAsync(new BundleDownload(bundle.Key, DownloadPath(context), bundle.Size)
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

    /// <summary>Checks every member of the downloaded bundle against its manifest.</summary>
    public static async Task<WordPressBundleReport> CheckAsync(BundleSource bundle, StageContext context)
    {
        using var slot = await context.Resources.AcquireAsync(ResourceKind.Io, context.CancellationToken);
        WordPressBundleReport report;
        try
        {
            report = await WordPressBundleCheck.CheckAsync(DownloadPath(context), context.WorkDirectory,
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
        return report;
    }
}
