using Backupd.Bundles;
using Backupd.Modules.Resources;
using Backupd.Modules.WordPress.Restore.DumpImport;
using Backupd.Modules.WordPress.Stages;
using Backupd.Modules.WordPress.Verification;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>One restore, stage by stage; what a stage learns (the site, the plan, the tables) is kept for the next.</summary>
internal sealed class WordPressRestoreRun(WordPressRestoreConfig config) : ModuleRun
{
    // Headroom on the site's file system beside the extracted bundle.
    private const long Margin = 64L << 20;

    private readonly BundleStages _bundleStages = new();
    private WordPressBundleReport? _report;
    private DatabaseConnectionSettings? _database;
    private string? _sourcePrefix;
    private string? _targetPrefix;
    private RestorePlaces? _places;
    private FileStream? _lock;
    private IReadOnlyList<string>? _restoredTables;
    private IReadOnlyList<string> _replacedTables = [];
    private bool _swapped;
    private bool _checked;
    private string? _scratch;
    // The site's root and a test-restore's scratch copy, held: root's work in them goes through
    // these, so the site's owner cannot lead it elsewhere by renaming a directory (HeldDirectory).
    private HeldDirectory? _site;
    private HeldDirectory? _scratchHeld;
    private bool? _ourMaintenance;
    // Set when this attempt goes on from a checkpoint an interrupted one wrote (swap, check or cleanup).
    private string? _resumedAt;
    private bool _reopened;
    // A swap was begun (by this attempt or the one it resumes) and has not ended, nor been put
    // back: what is staged and what was moved aside must then stay for the next attempt.
    private bool _swapOpen;

    // Where the site is restored, as the admin knows it: the site itself, another place, or a
    // test-restore's scratch copy. The node's own work there goes through the held directories.
    private string ShownRoot => _scratch ?? config.Path;

    public override async Task RunStageAsync(string stage, StageContext context)
    {
        try
        {
            await RunRestoreStageAsync(stage, context);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && _places is { } places && places.Show(ex.Message) is var shown && shown != ex.Message)
        {
            // The node's own paths through held directories (/proc/self/fd/…) mean nothing to an admin.
            throw new IOException(shown, ex);
        }
    }

    private async Task RunRestoreStageAsync(string stage, StageContext context)
    {
        if (config.UndoOf is not null && await RunUndoStageAsync(stage, context))
        {
            return;
        }

        switch (stage)
        {
            case WordPressRestoreModule.StageNames.FetchBundle:
                await _bundleStages.FetchAsync(config.Bundle, context);
                break;
            case WordPressRestoreModule.StageNames.VerifyBundle:
                _report = await _bundleStages.CheckAsync(config.Bundle, context);
                break;
            case WordPressRestoreModule.StageNames.Plan:
                await PlanAsync(context);
                break;
            case WordPressRestoreModule.StageNames.StageFiles when !DryRun(context):
                await StageFilesAsync(context);
                break;
            case WordPressRestoreModule.StageNames.StageDatabase when !DryRun(context) && config.RestoresDatabase:
                await StageDatabaseAsync(context);
                break;
            case WordPressRestoreModule.StageNames.Rewrite when !DryRun(context) && config.RestoresDatabase:
                await RewriteAsync(context);
                break;
            case WordPressRestoreModule.StageNames.Swap when !DryRun(context):
                await SwapAsync(context);
                break;
            case WordPressRestoreModule.StageNames.Check when !DryRun(context):
                await CheckAsync(context);
                break;
            case WordPressRestoreModule.StageNames.Cleanup:
                await CleanupAsync(context);
                break;
            case WordPressRestoreModule.StageNames.StageFiles or WordPressRestoreModule.StageNames.StageDatabase or WordPressRestoreModule.StageNames.Rewrite
                or WordPressRestoreModule.StageNames.Swap or WordPressRestoreModule.StageNames.Check:
                break;
            default:
                throw new ArgumentException($"The restore module has no stage '{stage}'.", nameof(stage));
        }
    }

    public override bool TryResume(ResumeCheckpoint checkpoint, string workDirectory)
    {
        if (RestoreResume.Read(checkpoint) is not { } kept)
        {
            return false;
        }

        _report = kept.Report;
        _sourcePrefix = kept.SourcePrefix;
        _targetPrefix = kept.TargetPrefix;
        _restoredTables = kept.RestoredTables;
        _replacedTables = kept.ReplacedTables;
        _ourMaintenance = kept.OurMaintenance;
        _swapped = kept.Stage != WordPressRestoreModule.StageNames.Swap;
        _swapOpen = kept.Stage == WordPressRestoreModule.StageNames.Swap;
        _checked = kept.Stage == WordPressRestoreModule.StageNames.Cleanup;
        _resumedAt = kept.Stage;
        return true;
    }

    public override async ValueTask DisposeAsync()
    {
        await _bundleStages.DisposeAsync();
        if (_lock is not null)
        {
            await _lock.DisposeAsync();
        }

        _places?.Dispose();
        _scratchHeld?.Dispose();
        _site?.Dispose();

        await base.DisposeAsync();
    }

    // An undo has no bundle: the copy the restore kept is its staged copy. Returns false for the
    // stages it shares with a restore (swap, check, cleanup).
    private async Task<bool> RunUndoStageAsync(string stage, StageContext context)
    {
        switch (stage)
        {
            case WordPressRestoreModule.StageNames.FetchBundle:
                // Nothing read from a bundle: no files to count, no URL to compare.
                _report = new WordPressBundleReport(0, 0, null, 0, 0, 0, null, null, null);
                context.Reporter.Info($"Undoing restore {config.UndoOf}: what it kept is swapped back in, so no bundle is downloaded");
                return true;
            case WordPressRestoreModule.StageNames.VerifyBundle or WordPressRestoreModule.StageNames.StageFiles
                or WordPressRestoreModule.StageNames.StageDatabase or WordPressRestoreModule.StageNames.Rewrite:
                return true;
            case WordPressRestoreModule.StageNames.Plan:
                await PlanUndoAsync(context);
                return true;
            default:
                return false;
        }
    }

    private async Task PlanUndoAsync(StageContext context)
    {
        await ResolveTargetAsync(_report!, context);
        _sourcePrefix = TargetPrefix;
        var places = MakePlaces(context);
        TakeLock(context);
        _places = places;
        var lines = new List<string> { $"Undo of restore {config.UndoOf} at {ShownRoot}:" };
        if (config.RestoresDatabase)
        {
            var kept = await new SiteTables(Database).ListAsync(places.StagingPrefix, context.CancellationToken);
            if (kept.Count == 0)
            {
                throw new ModuleFailedException($"Restore {config.UndoOf} left no kept tables ({places.StagingPrefix}*) in {Database.Database}: they were removed, or renamed. Nothing was changed.");
            }

            _restoredTables = [.. kept.Select(table => TargetPrefix + table[places.StagingPrefix.Length..])];
            lines.Add($"the live tables with prefix '{TargetPrefix}' are replaced by the {kept.Count} the restore kept ({places.StagingPrefix}*)");
        }

        if (config.RestoresFiles && !Directory.Exists(places.StagedContent))
        {
            throw new ModuleFailedException($"Restore {config.UndoOf} left no kept wp-content ({places.Show(places.StagedContent)}): it was removed, or moved. Nothing was changed.");
        }

        if (config.RestoresFiles)
        {
            lines.Add(config.Paths is { Count: > 0 } paths
                ? $"files: {string.Join(", ", paths.Select(p => $"wp-content/{p}"))} as they were before the restore"
                : $"files: wp-content replaced by the one the restore kept ({places.Show(places.StagedContent)})");
        }

        lines.Add($"what the restore had put in place is kept in turn: tables as {places.ReplacedPrefix}*, files in {places.Show(places.Aside)}");
        context.Reporter.Info(string.Join("; ", lines));
    }

    private RestorePlaces MakePlaces(StageContext context)
    {
        var target = _scratchHeld ?? HoldSite();
        return config.UndoOf is { } restore
            ? RestorePlaces.ForUndo(target, context.JobId, restore, TargetPrefix)
            : new RestorePlaces(target, context.JobId, TargetPrefix);
    }

    // Opened once, by the path the job gives (the one place a link on the way is followed).
    private HeldDirectory HoldSite()
    {
        try
        {
            return _site ??= HeldDirectory.Open(config.Path);
        }
        catch (IOException ex)
        {
            throw new ModuleFailedException($"{config.Path} cannot be opened: {ex.Message} Nothing was changed.", ex);
        }
    }

    private bool DryRun(StageContext context)
    {
        if (config.DryRun)
        {
            context.Reporter.Info("Dry run: nothing done");
        }

        return config.DryRun;
    }

    private async Task PlanAsync(StageContext context)
    {
        var ct = context.CancellationToken;
        var report = _report ?? throw new InvalidOperationException("plan ran before verify_bundle.");
        await ResolveTargetAsync(report, context);
        if (config.TestRestore)
        {
            await PlanScratchAsync(context, report);
        }
        else if (config.NewSite)
        {
            PlanNewSite();
        }

        _sourcePrefix = report.TablePrefix ?? _targetPrefix;
        // Known to the clean-up only once the site is this run's: without the lock it touches nothing.
        var places = MakePlaces(context);
        TakeLock(context);
        _places = places;

        if (RestoreSwap.RecoverInterrupted(places))
        {
            context.Reporter.Warning($"Put back {places.Show(places.Content)}, which an interrupted attempt of this restore had moved aside");
        }

        if (config.RestoresDatabase && report.DatabaseBytes is null)
        {
            throw new ModuleFailedException("The bundle holds no database dump; restore only its files (parts: [\"files\"]).");
        }

        if (config.NewSite && !config.Overwrite && !config.TestRestore && config.RestoresDatabase && await new SiteTables(Database).ListAsync(TargetPrefix, ct) is { Count: > 0 } existing)
        {
            throw new ModuleFailedException($"Database {Database.Database} already has {existing.Count} tables with the prefix '{TargetPrefix}' ({string.Join(", ", existing.Take(5))}…): another site's. Give overwrite: true to replace them, or another tablePrefix. Nothing was changed.");
        }

        var needed = report.FileBytes + (report.DatabaseBytes ?? 0) + Margin;
        var free = new DriveInfo(ShownRoot).AvailableFreeSpace;
        if (free < needed)
        {
            throw new ModuleFailedException($"Not enough free space beside {ShownRoot}: {FreeSpaceCheck.Format(free)} free, the staged copy needs {FreeSpaceCheck.Format(needed)}. Nothing was changed.");
        }

        var lines = new List<string> { $"Plan for {ShownRoot} from {config.Bundle.Key}:" };
        if (config.RestoresDatabase)
        {
            var live = await new SiteTables(Database).ListAsync(TargetPrefix, ct);
            lines.Add($"database {Database.Database}: the {live.Count} live tables with prefix '{TargetPrefix}' ({string.Join(", ", live)}) are replaced by the bundle's"
                + (_sourcePrefix != TargetPrefix ? $", renamed from its prefix '{_sourcePrefix}'" : string.Empty)
                + (config.Url is { } url && url.TrimEnd('/') != report.SiteUrl?.TrimEnd('/') ? $"; its URL {report.SiteUrl} becomes {url}" : string.Empty));
        }

        if (config.RestoresFiles)
        {
            var liveFiles = Directory.Exists(places.Content) ? CountFiles(places.Content) : 0;
            lines.Add(config.Paths is { Count: > 0 } paths
                ? $"files: {string.Join(", ", paths.Select(p => $"wp-content/{p}"))} replaced by the bundle's; the rest of wp-content stays as it is"
                : $"files: wp-content ({liveFiles} files now) replaced by the bundle's {report.Files} files; "
                    + (IsNewSite ? "wp-config.php written for the new site" : "wp-config.php and the rest of the root stay as they are"));
        }

        lines.Add(config.TestRestore
            ? $"a test-restore: the scratch copy ({ShownRoot}, tables {TargetPrefix}* in {Database.Database}) is removed at the end, and the site is not touched"
            : config.KeepReplaced
                ? "what is replaced is kept: " + KeptParts(places, $"tables as {places.ReplacedPrefix}*")
                : "what is replaced is removed once the restored site checks out");
        lines.Add($"space: {FreeSpaceCheck.Format(needed)} needed beside the site, {FreeSpaceCheck.Format(free)} free");
        context.Reporter.Info(string.Join("; ", lines));
        if (config.DryRun)
        {
            context.Reporter.Info("Dry run: nothing was changed");
        }
    }

    private bool IsNewSite => config.NewSite || config.TestRestore;

    // A test-restore: a scratch copy beside the site (WordPress's own files copied from it, a
    // 0700 dot directory the web server serves nothing of), its tables under a prefix of their own
    // in the site's database. The site's own files and tables are never touched.
    private async Task PlanScratchAsync(StageContext context, WordPressBundleReport report)
    {
        var site = HoldSite();
        var name = ScratchName(context);
        await TreeRemoval.RemoveAsync(Path.Join(site.Path, name), Path.Join(config.Path, name), context.CancellationToken);
        _scratchHeld = site.CreatePrivate(name);
        _scratch = _scratchHeld.Shown;
        var copied = ScratchCopy.CopyWordPress(site, _scratchHeld.Path, Environment.IsPrivilegedProcess ? ContentOwner(site) : null);
        // WordPress's own files stay the node's: PHP, run as the site's owner, reads them but can
        // change nothing in the scratch root, so nothing there can be swapped for a link while the
        // node works in it. Only what the restore gives the owner (wp-content, wp-config.php) is theirs.
        _scratchHeld.SetMode(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        await new SiteTables(Database).DropAsync(TargetPrefix, context.CancellationToken);
        context.Reporter.Info($"Test-restore into a scratch copy: {copied} of WordPress's own files copied from {config.Path} to {_scratch}; its tables will be {TargetPrefix}* in {Database.Database}; the bundle's site is {report.SiteUrl}");
    }

    private async Task RemoveScratchAsync(StageContext context)
    {
        if (_database is { } database && _targetPrefix is { } prefix)
        {
            var tables = new SiteTables(database);
            var dropped = await tables.DropAsync(prefix, CancellationToken.None)
                + (_places is { } places ? await tables.DropAsync(places.ReplacedPrefix, CancellationToken.None) : 0);
            context.Reporter.Info($"Removed the scratch copy: {dropped} tables, and {_scratch}");
        }

        // The held scratch stays open (a path through it now finds nothing) until the run is
        // disposed: a closed descriptor's number could be another directory's by the next call.
        if (_scratch is not null && _site is { } site)
        {
            await TreeRemoval.RemoveAsync(Path.Join(site.Path, Path.GetFileName(_scratch)), _scratch, CancellationToken.None);
        }
    }

    // Another place than the backed-up site: WordPress's own files must be there already (a
    // bundle holds wp-content and the database, not WordPress), and a site there is replaced only when asked.
    private void PlanNewSite()
    {
        if (!File.Exists(Path.Combine(ShownRoot, "wp-load.php")) || !File.Exists(Path.Combine(ShownRoot, "wp-includes", "version.php")))
        {
            throw new ModuleFailedException($"{ShownRoot} does not hold WordPress's own files (wp-load.php, wp-includes/): a bundle holds wp-content and the database, not WordPress. "
                + $"Put WordPress there first (wp core download --path={ShownRoot}), then restore. Nothing was changed.");
        }

        if (File.Exists(Path.Combine(ShownRoot, "wp-config.php")) && !config.Overwrite)
        {
            throw new ModuleFailedException($"{ShownRoot} already holds a site (its wp-config.php). Give overwrite: true to replace it, or restore to an empty WordPress. Nothing was changed.");
        }
    }

    // The target's database and table prefix: the site's own for a restore in place (its
    // wp-config.php, which a restore keeps), the job's for a new site, the site's database under
    // a scratch prefix for a test-restore. Read again by an attempt that resumes, so no database
    // password is ever written into a checkpoint.
    private async Task ResolveTargetAsync(WordPressBundleReport report, StageContext context)
    {
        if (config.NewSite && !config.TestRestore)
        {
            var db = config.Db!;
            var endpoint = db.Socket is { } socket ? new DatabaseEndpoint(DatabaseEndpoint.Localhost, null, socket) : new DatabaseEndpoint(db.Host ?? DatabaseEndpoint.Localhost, db.Port, null);
            _database = new DatabaseConnectionSettings(endpoint, db.Name!, db.User!, db.Password!, WordPressConfig.DefaultCharset);
            _targetPrefix ??= config.TablePrefix ?? report.TablePrefix ?? WordPressConfig.DefaultTablePrefix;
            return;
        }

        var site = await WordPressConfigReader.ReadAsync(config.Path, context.CancellationToken);
        _database = WordPressDatabaseSettings.Resolve(site, config.Db);
        _targetPrefix ??= config.TestRestore ? $"tr{RestorePlaces.Tag(context.JobId)}_" : site.TablePrefix;
    }

    private static string ScratchName(StageContext context) => $".backupd-test-restore-{RestorePlaces.Tag(context.JobId)}";

    // An attempt going on from a checkpoint: what plan learnt, found again, and the site's lock
    // taken. A test-restore's scratch copy gone meanwhile (its owner can rename it) leaves the
    // clean-up only its tables to drop; the other stages fail.
    private async Task ReopenAsync(StageContext context, bool forCleanup = false)
    {
        if (_resumedAt is null || _reopened)
        {
            return;
        }

        _reopened = true;
        await ResolveTargetAsync(_report!, context);
        if (config.TestRestore)
        {
            var name = ScratchName(context);
            _scratch = Path.Join(config.Path, name);
            try
            {
                _scratchHeld = HoldSite().OpenPrivate(name);
            }
            catch (IOException) when (forCleanup)
            {
                // Something else has its name now: not the node's to remove; the tables still go.
                _scratchHeld = null;
            }

            if (_scratchHeld is null)
            {
                if (forCleanup)
                {
                    return;
                }

                throw new ModuleFailedException($"The scratch copy {_scratch} the interrupted attempt made is gone.");
            }
        }

        var places = MakePlaces(context);
        TakeLock(context);
        _places = places;
        context.Reporter.Info($"Going on with the restore of {ShownRoot} from {_resumedAt}, where an interrupted attempt left it");
    }

    private RestoreResume Checkpoint(string stage) =>
        new(stage, _report!, SourcePrefix, TargetPrefix, _restoredTables, _replacedTables, _ourMaintenance ?? false);

    private async Task RewriteAsync(StageContext context)
    {
        var rewrite = new SiteRewrite(Database, Places.StagingPrefix);
        var ct = context.CancellationToken;
        var did = false;
        var staged = _restoredTables!.Select(table => Places.StagingPrefix + table[TargetPrefix.Length..]).ToList();
        var network = await WordPressNetwork.ReadAsync(Database, Places.StagingPrefix, ct);
        if (network is not null)
        {
            context.Reporter.Info($"The bundle holds a WordPress network of {network.Sites.Count} sites ({(network.SubdomainInstall ? "subdomains" : "subdirectories")})");
        }

        if (_sourcePrefix is { } source && source != TargetPrefix)
        {
            var rows = await rewrite.ChangePrefixAsync(source, TargetPrefix, network, staged, ct);
            context.Reporter.Info($"Table prefix '{source}' → '{TargetPrefix}': {rows} rows that name it (the roles option, the users' capability keys) written anew");
            did = true;
        }

        if (config.Url is { } url && _report!.SiteUrl is { } oldUrl && url.TrimEnd('/') != oldUrl.TrimEnd('/'))
        {
            var (values, skipped) = await rewrite.ChangeUrlAsync(staged, oldUrl, url, network, new SynchronousProgress<long>(done => context.Reporter.Progress(done, staged.Count)), ct);
            context.Reporter.Info($"URL {oldUrl} → {url}: {values} values changed (serialized ones kept valid; post guids left alone), siteurl and home set");
            if (network is not null)
            {
                var move = network.Move(oldUrl, url);
                context.Reporter.Info("The network's sites moved with it: " + string.Join(", ", network.Sites.Select(site =>
                    move.Moves(site.Domain) ? $"{site.Domain}{site.Path} → {move.Domain(site.Domain)}{move.Path(site.Path)}" : $"{site.Domain}{site.Path} kept (a domain of its own)")));
            }
            if (skipped.Count > 0)
            {
                context.Reporter.Warning($"Tables without a primary key were not searched for the old URL: {string.Join(", ", skipped)}");
            }

            did = true;
        }

        if (!did)
        {
            context.Reporter.Info("Nothing to rewrite: same table prefix and URL");
        }
    }

    // Runs alongside stage_database, which reads the dump out of the same bundle: the files are
    // written while the database server imports, instead of one after the other.
    private async Task StageFilesAsync(StageContext context)
    {
        var places = Places;
        await RemoveStagingAsync(places);
        if (!config.RestoresFiles)
        {
            context.Reporter.Info("Files are not restored: nothing to stage");
            return;
        }

        using var slot = await context.Resources.AcquireAsync(ResourceKind.Io, context.CancellationToken);
        // Made 0700 and held: nobody else can enter it, nor redirect the node's writes by renaming it.
        places.MakeStaging();
        var owner = SiteOwner(places);
        BundleTreeSummary staged;
        await using (var bundle = OpenBundle(context))
        {
            // Given to the site's owner as they are written: a second walk over every file would cost as much again.
            staged = await BundleReader.ExtractToDirectoryAsync(bundle, places.Staging,
                new SynchronousProgress<long>(done => context.Reporter.Progress(done, config.Bundle.Size)),
                name => name == WordPressRunState.DumpEntry, Environment.IsPrivilegedProcess ? owner : null, context.CancellationToken);
        }

        foreach (var (path, index) in (config.Paths ?? []).Select((p, i) => (p, i)))
        {
            var stagedPath = Path.Combine(places.StagedContent, path);
            if (!Directory.Exists(stagedPath) && !File.Exists(stagedPath))
            {
                throw new ModuleFailedException($"paths[{index}] 'wp-content/{path}' is not in the bundle. Nothing was changed.");
            }
        }

        if (!Environment.IsPrivilegedProcess && Directory.Exists(places.StagedContent) && FileOwnership.Of(places.StagedContent) != owner)
        {
            context.Reporter.Warning($"The restored files belong to the node's user, not to the site's owner (uid {owner.Uid}): the node is not root, so it cannot give them away");
        }

        context.Reporter.Info($"Staged {staged.Files} files, {staged.Directories} directories and {staged.Symlinks} links in {places.Show(places.Staging)}");
    }

    private async Task StageDatabaseAsync(StageContext context)
    {
        var places = Places;
        var tables = new SiteTables(Database);
        using var slot = await context.Resources.AcquireAsync(ResourceKind.Io, context.CancellationToken);
        if (await tables.DropAsync(places.StagingPrefix, context.CancellationToken) is var dropped and > 0)
        {
            context.Reporter.Info($"Dropped {dropped} staging tables an earlier attempt left");
        }

        var size = _report!.DatabaseBytes ?? 0;
        DumpStatementFilter? import = null;
        await using (var bundle = OpenBundle(context))
        {
            Func<Stream, Task> read = async dump => import = await DatabaseImport.RunAsync(
                dump, Database, SourcePrefix, places.StagingPrefix, context.WorkDirectory,
                new SynchronousProgress<long>(done => context.Reporter.Progress(done, size)), context.CancellationToken);
            // Straight to the dump through the bundle's index, held against what the check read; or, without one, past every file.
            _ = _report.Dump is { EntryName: WordPressRunState.DumpEntry } checkedDump
                ? await BundleReader.ReadEntryAsync(bundle, checkedDump, read, context.CancellationToken)
                : await BundleReader.ReadEntryAsync(bundle, WordPressRunState.DumpEntry, read, context.CancellationToken);
        }

        if (import is null)
        {
            throw new ModuleFailedException("The bundle holds no database dump; restore only its files (parts: [\"files\"]).");
        }

        if (import.Tables.Count == 0)
        {
            throw new ModuleFailedException($"The dump holds no table with the bundle's prefix '{SourcePrefix}'. Nothing was changed.");
        }

        if (import.Skipped.Count > 0)
        {
            context.Reporter.Warning($"Left out {import.Skipped.Count} tables of the dump without the site's prefix: {string.Join(", ", import.Skipped)}");
        }

        if (import.RenamedForeignKeys.Count > 0)
        {
            // A foreign key's name is unique in its database, and the live tables hold these until the swap.
            context.Reporter.Warning($"Renamed {import.RenamedForeignKeys.Count} foreign keys to names InnoDB keeps with their tables: {string.Join(", ", import.RenamedForeignKeys)}");
        }

        // By the names they will have at the target.
        _restoredTables = [.. import.Tables.Select(table => TargetPrefix + table[SourcePrefix.Length..])];
        context.Reporter.Info($"Imported {import.Tables.Count} tables under the staging prefix {places.StagingPrefix}");
    }

    private async Task SwapAsync(StageContext context)
    {
        await ReopenAsync(context);
        // Both staging stages are done with it.
        File.Delete(BundleStages.DownloadPath(context));
        if (config.RestoresDatabase && _restoredTables is null)
        {
            throw new InvalidOperationException("swap ran before stage_database.");
        }

        var swap = new RestoreSwap(Places, new SiteTables(Database), TargetPrefix, context.Time)
        {
            StagedMayBeMissing = config.UndoOf is not null && config.Paths is { Count: > 0 },
            Excluded = Excluded,
            Owner = Environment.IsPrivilegedProcess ? SiteOwner(Places) : null,
        };
        var network = IsNewSite ? await RestoredNetworkAsync(context.CancellationToken) : null;
        Func<string, Task>? writeConfig = IsNewSite
            ? path => WordPressConfigWriter.WriteAsync(path, Database, TargetPrefix, network, $"{config.Bundle.Key} (job {config.Bundle.JobId})", Environment.IsPrivilegedProcess ? SiteOwner(Places) : null, CancellationToken.None)
            : null;
        // A maintenance file there already is the admin's, left as it is, unless a restore wrote
        // it (one that crashed mid-swap). Decided once: an attempt that resumes the swap knows.
        _ourMaintenance ??= IsOurMaintenance(Places.Site);
        if (config.RestoresFiles && config.UndoOf is null)
        {
            Places.HoldStaging();
        }

        var resumed = _resumedAt == WordPressRestoreModule.StageNames.Swap;
        if (resumed)
        {
            context.Reporter.Warning("The attempt before this one stopped during the swap: finishing what it began");
        }

        // From here an interrupted attempt must not start over: the next one goes on with the swap.
        await Checkpoint(WordPressRestoreModule.StageNames.Swap).WriteAsync(context);
        _swapOpen = true;
        try
        {
            _replacedTables = await swap.RunAsync(config.RestoresDatabase ? _restoredTables : null, config.Paths, config.RestoresFiles, writeConfig, _ourMaintenance.Value, resumed);
        }
        catch (ModuleFailedException) when (swap.PutBack)
        {
            // The live site is as it was: the staged copy may go as after any failure before the swap.
            _swapOpen = false;
            throw;
        }

        _swapOpen = false;
        _swapped = true;
        await Checkpoint(WordPressRestoreModule.StageNames.Check).WriteAsync(context);
        context.Reporter.Info("Swapped in: " + string.Join("; ", new[]
        {
            config.RestoresDatabase ? $"{_restoredTables!.Count} tables (replaced {_replacedTables.Count})" : null,
            config.RestoresFiles ? (config.Paths is { Count: > 0 } paths ? $"wp-content/{string.Join(", wp-content/", paths)}" : "wp-content") : null,
        }.OfType<string>()));
    }

    // The network (if any) the new site's wp-config.php must describe. Restoring the database, it is
    // one only when the restored tables make one, as the rewrite left them: in the staging tables, or
    // in the live ones when an attempt that crashed mid-swap had swapped them (never the tables a
    // single-site bundle replaces). Restoring files alone, it is what the database holds.
    private async Task<WordPressNetwork?> RestoredNetworkAsync(CancellationToken cancellationToken)
    {
        if (!config.RestoresDatabase)
        {
            return await WordPressNetwork.ReadAsync(Database, TargetPrefix, cancellationToken);
        }

        if (!WordPressNetwork.Tables.All(table => _restoredTables!.Contains(TargetPrefix + table)))
        {
            return null;
        }

        return await WordPressNetwork.ReadAsync(Database, Places.StagingPrefix, cancellationToken)
            ?? await WordPressNetwork.ReadAsync(Database, TargetPrefix, cancellationToken);
    }

    // A restore's own maintenance file (left by one that crashed mid-swap) is a regular file with
    // the mark; anything else there, a link or a FIFO included, is the admin's or the site owner's
    // and is left alone: nothing is written through it, and no more than its start is read.
    private static bool IsOurMaintenance(HeldDirectory site)
    {
        if (!site.Exists(".maintenance"))
        {
            return true;
        }

        try
        {
            using var file = site.OpenFile(".maintenance");
            var start = new byte[4096];
            var read = RandomAccess.Read(file, start, 0);
            return System.Text.Encoding.UTF8.GetString(start, 0, read).Contains(RestoreSwap.MaintenanceMark, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task CheckAsync(StageContext context)
    {
        await ReopenAsync(context);
        var ct = context.CancellationToken;
        if (config.RestoresDatabase)
        {
            var live = await new SiteTables(Database).ListAsync(TargetPrefix, ct);
            if (!live.Order(StringComparer.Ordinal).SequenceEqual(_restoredTables!.Order(StringComparer.Ordinal)))
            {
                throw new ModuleFailedException($"After the swap the site has the tables {string.Join(", ", live)}, not the bundle's {string.Join(", ", _restoredTables!)}.");
            }
        }

        if (config.UndoOf is null && config.RestoresFiles && config.Paths is not { Count: > 0 } && CountFiles(Places.Content, Excluded) is var files && files != _report!.Files)
        {
            throw new ModuleFailedException($"After the swap wp-content holds {files} files{(Excluded is null ? string.Empty : " (besides what the backup excluded)")}; the bundle's manifest lists {_report.Files}.");
        }

        var url = config.Url ?? _report!.SiteUrl;
        if (await SiteLoadCheck.RunAsync(Places.Site, Uri.TryCreate(url, UriKind.Absolute, out var asked) ? asked : null, context.Reporter.Warning, ct) is var (siteUrl, home, sites))
        {
            context.Reporter.Info($"WordPress loads: siteurl {siteUrl}, home {home}{(sites is { } count ? $", a network of {count} sites" : string.Empty)}");
            if (config.RestoresDatabase && url is { } expected && siteUrl.TrimEnd('/') != expected.TrimEnd('/'))
            {
                throw new ModuleFailedException($"The restored site says its siteurl is {siteUrl}, not {expected}.");
            }
        }

        _checked = true;
        await Checkpoint(WordPressRestoreModule.StageNames.Cleanup).WriteAsync(context);
        context.Reporter.Info("Restored and checked: " + (config.RestoresDatabase ? $"{_restoredTables!.Count} tables as in the bundle" : "") +
            (config.RestoresDatabase && config.RestoresFiles ? ", " : "") +
            (config.RestoresFiles ? (config.Paths is { Count: > 0 } ? "the paths asked for" : config.UndoOf is null ? $"{_report!.Files} files as the manifest lists" : "wp-content as it was before the restore") : ""));
    }

    private async Task CleanupAsync(StageContext context)
    {
        await ReopenAsync(context, forCleanup: true);
        if (_swapOpen && _places is { } open)
        {
            // Left half-done (or not known to be whole): removing the staged copy now could take
            // the only copy of what is not yet in place. The job's log says where everything is.
            context.Reporter.Warning($"The swap was begun and did not end: left as they are for the next attempt to finish it: the staged copy ({open.Show(open.Staging)}"
                + (config.RestoresDatabase ? $", tables {open.StagingPrefix}*" : string.Empty) + $") and what was moved aside ({open.Show(open.Aside)}"
                + (config.RestoresDatabase ? $", tables {open.ReplacedPrefix}*" : string.Empty) + ")");
            await ReleaseLockAsync();
            return;
        }

        if (_swapped && !_checked && context.Interrupted())
        {
            // Stopped after the swap (the node is going down): the next attempt checks and cleans up.
            context.Reporter.Info("Interrupted after the swap; the next attempt goes on with the check");
            await ReleaseLockAsync();
            return;
        }

        if (config.TestRestore)
        {
            // Whatever stage it got to, even one before the plan was made.
            await RemoveScratchAsync(context);
        }

        if (_places is not { } places)
        {
            await ReleaseLockAsync();
            return;
        }

        await RemoveStagingAsync(places);
        // An undo's staging tables are the copy its restore kept: never dropped here.
        if (_database is { } database && config.RestoresDatabase && !config.DryRun && config.UndoOf is null)
        {
            // Staged tables never swapped in (a failure, a cancel) go; the live ones were not touched.
            await new SiteTables(database).DropAsync(places.StagingPrefix, CancellationToken.None);
        }

        if (config.TestRestore)
        {
            await ReleaseLockAsync();
            return;
        }

        if (config.UndoOf is not null && _swapped && _checked && Directory.Exists(places.StagedContent)
            && !Directory.EnumerateFileSystemEntries(places.StagedContent, "*", new EnumerationOptions { RecurseSubdirectories = true }).Any(entry => !Directory.Exists(entry) || new DirectoryInfo(entry).LinkTarget is not null))
        {
            // What the restore kept is back in place; its emptied directory goes, so the restore cannot be undone twice.
            await TreeRemoval.RemoveAsync(places.StagedContent, places.Show(places.StagedContent), CancellationToken.None);
        }

        if (_swapped && _checked && !config.KeepReplaced)
        {
            if (_database is { } db && config.RestoresDatabase)
            {
                await new SiteTables(db).DropAsync(places.ReplacedPrefix, CancellationToken.None);
            }

            // The site's owner can write inside the tree while it goes: see TreeRemoval.
            await TreeRemoval.RemoveAsync(places.Aside, places.Show(places.Aside), CancellationToken.None);

            File.Delete(places.ReplacedConfig);

            context.Reporter.Info("Removed what the restore replaced");
        }
        else if (_swapped)
        {
            context.Reporter.Info("Kept what the restore replaced: " + KeptParts(places, $"{_replacedTables.Count} tables renamed to {places.ReplacedPrefix}*")
                + $". POST /api/v1/restores/{context.JobId}/undo puts it back, /discard removes it (as the master does once BACKUPD_RESTORE_KEPT_FOR has passed).");
        }

        await ReleaseLockAsync();
    }

    // What a restore keeps of what it replaces, of the parts it restores: the tables (in the words given), the files.
    private string KeptParts(RestorePlaces places, string tables) =>
        string.Join(", ", new[] { config.RestoresDatabase ? tables : null, config.RestoresFiles ? $"files in {places.Show(places.Aside)}" : null }.OfType<string>());

    private async Task ReleaseLockAsync()
    {
        if (_lock is not null)
        {
            await _lock.DisposeAsync();
            _lock = null;
        }
    }

    private void TakeLock(StageContext context) => _lock = RestoreLock.Take(context, ShownRoot);

    // A test-restore's files are given as a restore in place would give them (to the owner of the
    // live site's wp-content): the scratch root is the node's.
    private FileOwner SiteOwner(RestorePlaces places) => ContentOwner(config.TestRestore ? HoldSite() : places.Site);

    // The owner of a site's wp-content, or of its root when it has none.
    private static FileOwner ContentOwner(HeldDirectory site) =>
        Directory.Exists(Path.Join(site.Path, "wp-content")) ? FileOwnership.Of(Path.Join(site.Path, "wp-content")) : site.Owner;

    // The downloaded bundle, read by the two staging stages at once, each with a stream of its own.
    private static FileStream OpenBundle(StageContext context) =>
        new(BundleStages.DownloadPath(context), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);

    // By its name in the site: what is there is removed without following a link (TreeRemoval).
    private static async Task RemoveStagingAsync(RestorePlaces places)
    {
        places.ReleaseStaging();
        await TreeRemoval.RemoveAsync(places.Staging, places.Show(places.Staging), CancellationToken.None);
    }

    // Regular files, as the manifest counts them: no links, nothing the backup excluded.
    private static int CountFiles(string root, BundleExcludeFilter? excluded = null) =>
        ExcludedPaths.Walk(root, string.Empty, excluded).Count(found => !found.Excluded && found.Entry is FileInfo { LinkTarget: null });

    private BundleExcludeFilter? Excluded => config.Excluded is { Count: > 0 } patterns ? BundleExcludeFilter.Parse(patterns, "excluded") : null;

    private RestorePlaces Places => _places ?? throw new InvalidOperationException("A restore stage ran before plan.");

    private string TargetPrefix => _targetPrefix ?? throw new InvalidOperationException("A restore stage ran before plan.");

    private string SourcePrefix => _sourcePrefix ?? throw new InvalidOperationException("A restore stage ran before plan.");

    private DatabaseConnectionSettings Database => _database ?? throw new InvalidOperationException("A restore stage ran before plan.");
}
