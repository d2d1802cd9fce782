using System.Text;
using Backupd.Bundles;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// The one moment a restore changes the live site: maintenance mode on, the tables swapped in one
/// <c>RENAME TABLE</c>, the files with directory renames, maintenance mode off. A failure part-way
/// undoes what was done, so the site is either the backup's or as it was. Run again after a crash
/// part-way (<c>resumed</c>), it finishes what the crashed attempt began: each step looks at what
/// is where (the staging tables still there or not, a staged directory still there or moved in)
/// and does only what is left.
/// </summary>
internal sealed class RestoreSwap(RestorePlaces places, SiteTables tables, string livePrefix, TimeProvider time)
{
    /// <summary>
    /// A path of wp-content with nothing staged for it is moved aside and left empty instead of
    /// failing the swap: an undo puts back a path that was not there before the restore so.
    /// </summary>
    public bool StagedMayBeMissing { get; init; }

    /// <summary>
    /// The backup's exclude patterns (relative to wp-content): what they match is not in the
    /// bundle, so it stays in the site, carried from the replaced tree into the restored one.
    /// </summary>
    public BundleExcludeFilter? Excluded { get; init; }

    /// <summary>Who gets a directory the swap has to make in the site (for a path's parent); the node's user when null.</summary>
    public FileOwner? Owner { get; init; }

    private readonly List<(string From, string To)> _moved = [];
    // Each live entry swapped, with its staged one and its path under wp-content.
    private readonly List<(string Live, string Staged, string Relative)> _swappedIn = [];

    /// <summary>What a maintenance file a restore wrote carries, so a later attempt knows it from an admin's.</summary>
    public const string MaintenanceMark = "/* written by a backupd restore */";

    /// <summary>Whether a failure part-way was undone entirely: the live site is as it was.</summary>
    public bool PutBack { get; private set; }
    private string? _written;

    /// <summary>Swaps in the staged tables and files.</summary>
    /// <param name="restoredTables">The staged tables, by the names they take; null when the database is not restored.</param>
    /// <param name="paths">Paths under wp-content to swap; all of wp-content when null or empty.</param>
    /// <param name="files">Whether files are swapped at all.</param>
    /// <param name="writeConfig">For a new site: writes its wp-config.php at the path given (the one there is kept aside first).</param>
    /// <param name="ourMaintenance">Whether this restore turns maintenance mode on (and off); false when the admin had it on already.</param>
    /// <param name="resumed">An attempt that crashed part-way through the swap may have done some of it.</param>
    /// <returns>The live tables that were replaced, by their live names.</returns>
    public async Task<IReadOnlyList<string>> RunAsync(
        IReadOnlyList<string>? restoredTables, IReadOnlyList<string>? paths, bool files, Func<string, Task>? writeConfig, bool ourMaintenance, bool resumed)
    {
        // Once begun, the swap runs to its end or its undoing: a cancel here would leave half a site.
        var none = CancellationToken.None;
        if (ourMaintenance)
        {
            await WriteMaintenanceAsync();
        }

        IReadOnlyList<string> replaced = [];
        try
        {
            if (restoredTables is not null)
            {
                replaced = await SwapTablesAsync(restoredTables, resumed);
            }

            if (files || writeConfig is not null)
            {
                try
                {
                    if (files)
                    {
                        MoveFiles(paths, resumed);
                    }

                    if (writeConfig is not null)
                    {
                        await WriteConfigAsync(writeConfig);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    var undone = UndoFiles();
                    if (restoredTables is not null)
                    {
                        await tables.RenameAsync(TablesOut(replaced, restoredTables), none);
                    }

                    PutBack = undone;
                    throw new ModuleFailedException($"Swapping the files in (or writing wp-config.php) failed ({places.Show(ex.Message)}); {(undone ? "the live site was put back as it was" : "putting the files back failed too: see the job's log")}.", ex);
                }
            }
        }
        finally
        {
            if (ourMaintenance)
            {
                File.Delete(places.Maintenance);
            }
        }

        return replaced;
    }

    // Written under a name of its own, made anew (O_EXCL: never through a link left there), then
    // renamed over .maintenance: a rename replaces a link there itself, never what it points to.
    private async Task WriteMaintenanceAsync()
    {
        var written = places.Maintenance + ".backupd";
        File.Delete(written);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        };
        await using (var file = new FileStream(written, options))
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes($"<?php $upgrading = {time.GetUtcNow().ToUnixTimeSeconds()}; {MaintenanceMark} ?>\n"), CancellationToken.None);
        }

        File.Move(written, places.Maintenance, overwrite: true);
    }

    // The rename is one statement, so the staging tables are either all still there (not swapped)
    // or all gone (swapped, by this attempt or by one that crashed after it).
    private async Task<IReadOnlyList<string>> SwapTablesAsync(IReadOnlyList<string> restoredTables, bool resumed)
    {
        var none = CancellationToken.None;
        if (resumed && (await tables.ListAsync(places.StagingPrefix, none)).Count == 0)
        {
            return [.. (await tables.ListAsync(places.ReplacedPrefix, none)).Select(table => livePrefix + table[places.ReplacedPrefix.Length..])];
        }

        var replaced = await tables.ListAsync(livePrefix, none);
        await tables.RenameAsync(TablesIn(replaced, restoredTables), none);
        return replaced;
    }

    /// <summary>
    /// Puts back a wp-content an attempt that crashed mid-swap had moved aside and not replaced;
    /// returns whether there was one.
    /// </summary>
    public static bool RecoverInterrupted(RestorePlaces places)
    {
        if (!Directory.Exists(places.Content) && !File.Exists(places.Content) && Directory.Exists(places.Aside))
        {
            Directory.Move(places.Aside, places.Content);
            return true;
        }

        return false;
    }

    // Live tables aside under the replaced prefix, staged ones to their live names: one statement.
    private List<(string From, string To)> TablesIn(IReadOnlyList<string> replaced, IReadOnlyList<string> restored) =>
    [
        .. replaced.Select(table => (table, places.ReplacedPrefix + table[livePrefix.Length..])),
        .. restored.Select(table => (places.StagingPrefix + table[livePrefix.Length..], table)),
    ];

    private List<(string From, string To)> TablesOut(IReadOnlyList<string> replaced, IReadOnlyList<string> restored) =>
    [
        .. restored.Select(table => (table, places.StagingPrefix + table[livePrefix.Length..])),
        .. replaced.Select(table => (places.ReplacedPrefix + table[livePrefix.Length..], table)),
    ];

    private async Task WriteConfigAsync(Func<string, Task> writeConfig)
    {
        var path = Path.Join(places.Site.Path, "wp-config.php");
        if (File.Exists(places.ReplacedConfig))
        {
            // Kept aside by the attempt this one resumes: the one at the path is that attempt's,
            // written again (the writer makes its file anew, never writing through what is there).
            _moved.Add((path, places.ReplacedConfig));
            File.Delete(path);
        }
        else if (File.Exists(path))
        {
            Move(path, places.ReplacedConfig);
        }

        await writeConfig(path);
        _written = path;
    }

    private void MoveFiles(IReadOnlyList<string>? paths, bool resumed)
    {
        if (paths is not { Count: > 0 })
        {
            MoveIn(places.Content, places.Aside, places.StagedContent, string.Empty, resumed);
            return;
        }

        // There even when none of the paths was there to move aside: an undo looks for it.
        places.Site.OpenBeneath(Path.GetFileName(places.Aside), makeMissing: true, Owner).Dispose();

        foreach (var path in paths)
        {
            MoveIn(Path.Combine(places.Content, path), Path.Combine(places.Aside, path), Path.Combine(places.StagedContent, path), path, resumed);
        }
    }

    // The live entry aside, the staged one in. A staged entry no longer there was moved in by the
    // attempt this one resumes; a live entry not there (but one aside) was moved aside by it.
    private void MoveIn(string live, string aside, string staged, string relative, bool resumed)
    {
        _swappedIn.Add((live, staged, relative));
        var hasStaged = Exists(staged);
        if (resumed && !hasStaged && (!StagedMayBeMissing || Exists(aside)))
        {
            // Done by the attempt this one resumes: recorded as if done here, so a failure
            // further on puts it back with the rest.
            if (Exists(aside))
            {
                _moved.Add((live, aside));
            }

            if (Exists(live))
            {
                _moved.Add((staged, live));
            }

            CarryExcluded(aside, live, relative);
            return;
        }

        if (resumed && !Exists(live) && Exists(aside))
        {
            // Moved aside by that attempt: put back too if this one has to undo.
            _moved.Add((live, aside));
        }
        else if (Exists(live))
        {
            if (Exists(aside))
            {
                throw new IOException($"{places.Show(aside)} is in the way of keeping {places.Show(live)}");
            }

            MakeParents(aside);
            Move(live, aside);
        }

        if (hasStaged || !StagedMayBeMissing)
        {
            MakeParents(live);
            Move(staged, live);
        }

        CarryExcluded(aside, live, relative);
    }

    // Moves each entry of the replaced tree the patterns match, and the restored tree lacks, into
    // the same place there. Run again by a resumed swap, it moves what is left.
    private void CarryExcluded(string asideDirectory, string liveDirectory, string relative)
    {
        if (Excluded is null || !Directory.Exists(asideDirectory) || new DirectoryInfo(asideDirectory).LinkTarget is not null)
        {
            return;
        }

        // Listed first: what is moved is not walked into, but the listing must not see it move.
        foreach (var (entry, _, _) in ExcludedPaths.Walk(asideDirectory, relative, Excluded).Where(found => found.Excluded).ToList())
        {
            var target = Path.Combine(liveDirectory, Path.GetRelativePath(asideDirectory, entry.FullName));
            if (!Exists(target))
            {
                var (parent, _) = places.Beneath(target, makeParents: true, Owner);
                using (parent)
                {
                    // The directory keeps the bundle's time: a move into it would change it.
                    var time = parent.LastWriteTimeUtc;
                    Move(entry.FullName, target);
                    parent.LastWriteTimeUtc = time;
                }
            }
        }
    }

    private static bool Exists(string path) => Directory.Exists(path) || File.Exists(path) || new FileInfo(path).LinkTarget is not null;

    private void Move(string from, string to)
    {
        Rename(from, to);
        _moved.Add((from, to));
    }

    private void MakeParents(string path) => places.Beneath(path, makeParents: true, Owner).Parent.Dispose();

    // A directory, or anything else (a file, a link) as the entry itself; both ends reached
    // through parents opened without following links, so the site's owner cannot lead it elsewhere.
    private void Rename(string from, string to)
    {
        var (fromParent, fromName) = places.Beneath(from, makeParents: false);
        using (fromParent)
        {
            var (toParent, toName) = places.Beneath(to, makeParents: false);
            using (toParent)
            {
                var source = Path.Join(fromParent.Path, fromName);
                var target = Path.Join(toParent.Path, toName);
                if (Directory.Exists(source) && new DirectoryInfo(source).LinkTarget is null)
                {
                    Directory.Move(source, target);
                }
                else
                {
                    File.Move(source, target);
                }
            }
        }
    }

    private bool UndoFiles()
    {
        var undone = true;
        if (_written is not null)
        {
            File.Delete(_written);
        }

        foreach (var (from, to) in Enumerable.Reverse(_moved))
        {
            try
            {
                Rename(to, from);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                undone = false;
            }
        }

        // What an attempt this one resumed had carried over went back with the restored tree:
        // into the live one again, so the staged copy holds nothing of the site's own.
        foreach (var (live, staged, relative) in _swappedIn)
        {
            try
            {
                CarryExcluded(staged, live, relative);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                undone = false;
            }
        }

        return undone;
    }
}
