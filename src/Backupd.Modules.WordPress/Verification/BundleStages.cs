using Backupd.Bundles;
using Backupd.Modules.Resources;
using Backupd.Modules.Storage;

namespace Backupd.Modules.WordPress.Verification;

/// <summary>
/// The two stages every job that reads a stored bundle starts with (verify, restore): download it
/// and hold it against the master's record, then check every member against its manifest.
/// Nothing else is read or touched before both pass. The check starts as the download does and
/// reads the bundle as it arrives (<see cref="ArrivingBundle"/>), on the other core; the second
/// stage waits for it, and fails with what it found only once the download has been found to be
/// the recorded bundle (a changed bundle is reported as changed, not as damaged). One per run.
/// </summary>
internal sealed class BundleStages : IAsyncDisposable
{
    /// <summary>The downloaded bundle's name in the work dir.</summary>
    public const string DownloadName = "bundle.tar.zst";

    // Headroom beside the download for the manifest and the list of digests the check writes.
    private const long Margin = 64L << 20;

    // The check the download started, and where it has got to (for the second stage's progress).
    private Task<WordPressBundleReport>? _early;
    private Action? _stopEarly;
    private readonly CheckProgress _earlyProgress = new();

    /// <summary>The downloaded bundle in the job's work dir.</summary>
    public static string DownloadPath(StageContext context) => Path.Combine(context.WorkDirectory, DownloadName);

    /// <summary>Downloads the bundle into the work dir, checking its members as it arrives; fails unless its size and SHA-256 are the record's.</summary>
    public async Task FetchAsync(BundleSource bundle, StageContext context)
    {
        _early = null;
        var ct = context.CancellationToken;
        var free = new DriveInfo(context.WorkDirectory).AvailableFreeSpace;
        if (free < bundle.Size + Margin)
        {
            throw new ModuleFailedException($"Not enough free space in {context.WorkDirectory} to download the bundle: {FreeSpaceCheck.Format(free)} free, "
                + $"{FreeSpaceCheck.Format(bundle.Size + Margin)} needed. Free some space, or set BACKUPD_DATA_DIR to a larger disk.");
        }

        var storage = await context.OpenStorageAsync(ct);
        using var network = await context.Resources.AcquireAsync(ResourceKind.Network, ct);
        var stop = new CancellationTokenSource();
        var checkSlot = new CheckSlot(context.Resources, bundle.Size, stop.Token);
        var arriving = new ArrivingBundle(DownloadPath(context), checkSlot.TakeAsync);
        var early = Task.Run(() => CheckArrivingAsync(arriving, checkSlot, context, stop));
        var stopEarly = StopEarly(arriving, stop);
        StoredBundleInfo received;
        try
        {
            received = await storage.DownloadAsync(new BundleDownload(bundle.Key, DownloadPath(context), bundle.Size)
            {
                Progress = new SynchronousProgress<long>(done =>
                {
                    arriving.Arrived(done);
                    context.Reporter.Progress(done, bundle.Size);
                }),
            }, ct);
        }
        catch
        {
            await AbandonAsync(stopEarly, early);
            throw;
        }

        if (received.Size != bundle.Size || !string.Equals(received.Sha256Hex, bundle.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            await AbandonAsync(stopEarly, early);
            throw new ModuleFailedException($"The stored bundle {bundle.Key} is not the one backup job {bundle.JobId} stored: it has {received.Size} bytes with SHA-256 {received.Sha256Hex}, "
                + $"the master recorded {bundle.Size} bytes with SHA-256 {bundle.Sha256}. It was changed or damaged in storage; do not restore from it.");
        }

        arriving.Complete(received.Size);
        (_early, _stopEarly) = (early, stopEarly);
        context.Reporter.Info($"Downloaded {bundle.Key} from {storage.Description}: {received.Size} bytes, SHA-256 as recorded when job {bundle.JobId} stored it");
    }

    /// <summary>Checks every member of the downloaded bundle against its manifest: waits for the check the download started.</summary>
    public async Task<WordPressBundleReport> CheckAsync(BundleSource bundle, StageContext context)
    {
        var early = _early ?? throw new InvalidOperationException("The member check runs after the download, in the same run.");
        WordPressBundleReport report;
        try
        {
            _earlyProgress.Follow(new SynchronousProgress<long>(done => context.Reporter.Progress(done, bundle.Size)));
            // A cancelled job stops the check too, at its next read; the check is then awaited, never left running.
            using var stop = context.CancellationToken.Register(_stopEarly!);
            report = await early;
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

    /// <summary>Stops the check the download started, if nothing waited for it (a job cancelled between the two stages), and waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_early is { IsCompleted: false } early)
        {
            await AbandonAsync(_stopEarly!, early);
        }
    }

    // The check that runs beside the download. Not on the stage's token: it outlives the
    // download's stage; it stops when told (the stream then throws).
    private async Task<WordPressBundleReport> CheckArrivingAsync(ArrivingBundle arriving, CheckSlot slot, StageContext context, CancellationTokenSource stop)
    {
        using (stop)
        using (slot)
        await using (arriving)
        {
            return await WordPressBundleCheck.CheckAsync(arriving, context.WorkDirectory, _earlyProgress, stop.Token);
        }
    }

    // The check's I/O slot, taken when the download is whole and much of the bundle is left to
    // read, as any check takes one. While it follows the download it reads at the network's pace
    // and holds none: it used to hold one from the start, so two slow downloads (verify and restore
    // jobs from S3) kept every backup's I/O stages waiting for as long as they lasted. A short tail
    // (the download reports its progress now and then, so the check is always a little behind) is
    // read without one: queueing behind backups' stages to read it would hold the job up for nothing.
    private sealed class CheckSlot(ResourceManager resources, long bundleSize, CancellationToken stop) : IDisposable
    {
        private const long ShortTail = 64L << 20;
        private ResourceLease? _lease;

        public async ValueTask TakeAsync(long left, CancellationToken cancellationToken)
        {
            if (left <= Math.Min(ShortTail, bundleSize / 4))
            {
                return;
            }

            using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, cancellationToken);
            _lease ??= await resources.AcquireAsync(ResourceKind.Io, either.Token);
        }

        public void Dispose() => _lease?.Dispose();
    }

    private static Action StopEarly(ArrivingBundle arriving, CancellationTokenSource stop) => () =>
    {
        arriving.Abandon();
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The check has ended already.
        }
    };

    private static async Task AbandonAsync(Action stop, Task early)
    {
        stop();
        try
        {
            await early;
        }
        catch (Exception)
        {
            // The download failed or was refused: what the check found of a bundle no one will use does not matter.
        }
    }

    // Where the early check has got to, told on to the second stage once it starts waiting for it.
    private sealed class CheckProgress : IProgress<long>
    {
        private IProgress<long>? _target;
        private long _done;

        public void Follow(IProgress<long> target)
        {
            Volatile.Write(ref _target, target);
            target.Report(Volatile.Read(ref _done));
        }

        public void Report(long value)
        {
            Volatile.Write(ref _done, value);
            Volatile.Read(ref _target)?.Report(value);
        }
    }
}
