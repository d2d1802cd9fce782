using Backupd.Bundles;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// Removes the copy a restore in place kept of what it replaced: its tables under their kept
/// prefix, its wp-content (or paths of it) beside the site, and a wp-config.php it kept aside. The
/// live site is not touched and no bundle is read; the names come from the restore's job id, as
/// that restore made them. Run again after a crash part-way, it removes what is left.
/// </summary>
internal sealed class KeptCopyDiscardRun(WordPressRestoreConfig config) : ModuleRun
{
    private string RestoreJobId => config.DiscardKeptOf!;

    private RestorePlaces? _places;
    private HeldDirectory? _site;
    private DatabaseConnectionSettings? _database;
    private FileStream? _lock;

    public override async Task RunStageAsync(string stage, StageContext context)
    {
        try
        {
            await RunDiscardStageAsync(stage, context);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && _places is { } places && places.Show(ex.Message) is var shown && shown != ex.Message)
        {
            // The node's own paths through the held site (/proc/self/fd/…) mean nothing to an admin.
            throw new IOException(shown, ex);
        }
    }

    private async Task RunDiscardStageAsync(string stage, StageContext context)
    {
        switch (stage)
        {
            case WordPressRestoreModule.StageNames.FetchBundle:
                context.Reporter.Info($"Removing what restore {RestoreJobId} kept of what it replaced: no bundle is read, the live site is not touched");
                break;
            case WordPressRestoreModule.StageNames.Plan:
                await PlanAsync(context);
                break;
            case WordPressRestoreModule.StageNames.Swap:
                await RemoveAsync(context);
                break;
            case WordPressRestoreModule.StageNames.Cleanup:
                await ReleaseLockAsync();
                break;
            case WordPressRestoreModule.StageNames.VerifyBundle or WordPressRestoreModule.StageNames.StageFiles or WordPressRestoreModule.StageNames.StageDatabase
                or WordPressRestoreModule.StageNames.Rewrite or WordPressRestoreModule.StageNames.Check:
                break;
            default:
                throw new ArgumentException($"The restore module has no stage '{stage}'.", nameof(stage));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await ReleaseLockAsync();
        _places?.Dispose();
        _site?.Dispose();
        await base.DisposeAsync();
    }

    private async Task PlanAsync(StageContext context)
    {
        var site = await WordPressConfigReader.ReadAsync(config.Path, context.CancellationToken);
        _database = WordPressDatabaseSettings.Resolve(site, config.Db);
        // Held: the removal goes through the site's root as it was now, whatever is renamed later.
        _site = HeldDirectory.Open(config.Path);
        var places = new RestorePlaces(_site, RestoreJobId, site.TablePrefix);
        _lock = RestoreLock.Take(context, config.Path);
        _places = places;

        // The master discards only what a completed swap kept; the site is checked here too, as a
        // second lock on the one mistake that loses data: what was moved aside being all there is.
        if (config.RestoresFiles && !Directory.Exists(places.Content))
        {
            throw new ModuleFailedException($"{places.Show(places.Content)} is missing: what restore {RestoreJobId} moved aside ({places.Show(places.Aside)}) may be all the site has. Nothing was removed.");
        }

        if (Directory.Exists(places.Staging) || (config.RestoresDatabase && (await new SiteTables(_database).ListAsync(places.StagingPrefix, context.CancellationToken)).Count > 0))
        {
            throw new ModuleFailedException($"Restore {RestoreJobId} has not finished at {config.Path} (its staged copy, {places.Show(places.Staging)} or tables {places.StagingPrefix}*, is still there). Nothing was removed.");
        }

        var found = new List<string>();
        if (config.RestoresDatabase)
        {
            var tables = await new SiteTables(_database).ListAsync(places.ReplacedPrefix, context.CancellationToken);
            if (tables.Count > 0)
            {
                found.Add($"{tables.Count} tables {places.ReplacedPrefix}* in {_database.Database}");
            }
        }

        if (Directory.Exists(places.Aside) && new DirectoryInfo(places.Aside).LinkTarget is null)
        {
            var (files, bytes) = Measure(places.Aside);
            found.Add($"{places.Show(places.Aside)} ({files} files, {FreeSpaceCheck.Format(bytes)})");
        }

        if (File.Exists(places.ReplacedConfig))
        {
            found.Add(places.Show(places.ReplacedConfig));
        }

        if (found.Count == 0)
        {
            context.Reporter.Warning($"Nothing restore {RestoreJobId} kept is still at {config.Path}"
                + (config.RestoresDatabase ? $" (no tables {places.ReplacedPrefix}*, no {places.Show(places.Aside)})" : $" (no {places.Show(places.Aside)})")
                + ": it was removed by hand, or undone. Nothing to remove.");
            return;
        }

        context.Reporter.Info($"Plan: remove what restore {RestoreJobId} kept: {string.Join("; ", found)}. After this it cannot be undone.");
    }

    private async Task RemoveAsync(StageContext context)
    {
        var places = _places ?? throw new InvalidOperationException("A discard removed before its plan.");
        // Begun, it goes to its end: half a kept copy is of no use to anyone.
        var dropped = _database is { } database && config.RestoresDatabase
            ? await new SiteTables(database).DropAsync(places.ReplacedPrefix, CancellationToken.None)
            : 0;
        var directory = Directory.Exists(places.Aside);
        if (directory && new DirectoryInfo(places.Aside).LinkTarget is not null)
        {
            // A restore leaves a directory there, never a link: something else put this one, and
            // what it points to is not the restore's to remove.
            File.Delete(places.Aside);
            context.Reporter.Warning($"{places.Show(places.Aside)} was a link, not the directory the restore kept: the link was removed, not what it points to");
        }
        else if (directory)
        {
            // The site's owner can write inside it while it goes: see TreeRemoval.
            await TreeRemoval.RemoveAsync(places.Aside, places.Show(places.Aside), CancellationToken.None);
        }

        File.Delete(places.ReplacedConfig);
        if (dropped > 0 || directory)
        {
            context.Reporter.Info($"Removed what restore {RestoreJobId} kept: {dropped} tables" + (directory ? $", {places.Show(places.Aside)}" : string.Empty));
        }
    }

    private async Task ReleaseLockAsync()
    {
        if (_lock is not null)
        {
            await _lock.DisposeAsync();
            _lock = null;
        }
    }

    // The kept tree's regular files, walked as a restore counts a tree: links are not followed.
    private static (int Files, long Bytes) Measure(string directory)
    {
        var files = ExcludedPaths.Walk(directory, string.Empty, null)
            .Select(found => found.Entry).OfType<FileInfo>().Where(file => file.LinkTarget is null).ToList();
        return (files.Count, files.Sum(file => file.Length));
    }
}
