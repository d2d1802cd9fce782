namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// The one moment a restore changes the live site: maintenance mode on, the tables swapped in one
/// <c>RENAME TABLE</c>, the files with directory renames, maintenance mode off. A failure part-way
/// undoes what was done, so the site is either the backup's or as it was.
/// </summary>
internal sealed class RestoreSwap(RestorePlaces places, SiteTables tables, string livePrefix, TimeProvider time)
{
    private readonly List<(string From, string To)> _moved = [];
    private string? _written;

    /// <summary>Swaps in the staged tables and files.</summary>
    /// <param name="restoredTables">The staged tables, by the names they take; null when the database is not restored.</param>
    /// <param name="paths">Paths under wp-content to swap; all of wp-content when null or empty.</param>
    /// <param name="files">Whether files are swapped at all.</param>
    /// <returns>The live tables that were replaced, by their live names.</returns>
    /// <param name="writeConfig">For a new site: writes its wp-config.php at the path given (the one there is kept aside first).</param>
    public async Task<IReadOnlyList<string>> RunAsync(IReadOnlyList<string>? restoredTables, IReadOnlyList<string>? paths, bool files, Func<string, Task>? writeConfig = null)
    {
        // Once begun, the swap runs to its end or its undoing: a cancel here would leave half a site.
        var none = CancellationToken.None;
        var wroteMaintenance = await MaintenanceOnAsync();
        IReadOnlyList<string> replaced = [];
        try
        {
            if (restoredTables is not null)
            {
                replaced = await tables.ListAsync(livePrefix, none);
                await tables.RenameAsync(TablesIn(replaced, restoredTables), none);
            }

            if (files || writeConfig is not null)
            {
                try
                {
                    if (files)
                    {
                        MoveFiles(paths);
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

                    throw new ModuleFailedException($"Swapping the files in (or writing wp-config.php) failed ({ex.Message}); {(undone ? "the live site was put back as it was" : "putting the files back failed too: see the job's log")}.", ex);
                }
            }
        }
        finally
        {
            if (wroteMaintenance)
            {
                File.Delete(places.Maintenance);
            }
        }

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
        var path = Path.Combine(places.SiteRoot, "wp-config.php");
        if (File.Exists(path))
        {
            Move(path, places.ReplacedConfig);
        }

        await writeConfig(path);
        _written = path;
    }

    private void MoveFiles(IReadOnlyList<string>? paths)
    {
        if (paths is not { Count: > 0 })
        {
            if (Directory.Exists(places.Content))
            {
                Move(places.Content, places.Aside);
            }

            Move(places.StagedContent, places.Content);
            return;
        }

        foreach (var path in paths)
        {
            var live = Path.Combine(places.Content, path);
            if (Directory.Exists(live) || File.Exists(live) || new FileInfo(live).LinkTarget is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(places.Aside, path))!);
                Move(live, Path.Combine(places.Aside, path));
            }

            Directory.CreateDirectory(Path.GetDirectoryName(live)!);
            Move(Path.Combine(places.StagedContent, path), live);
        }
    }

    private void Move(string from, string to)
    {
        Rename(from, to);
        _moved.Add((from, to));
    }

    // A directory, or anything else (a file, a link) as the entry itself.
    private static void Rename(string from, string to)
    {
        if (Directory.Exists(from) && new DirectoryInfo(from).LinkTarget is null)
        {
            Directory.Move(from, to);
        }
        else
        {
            File.Move(from, to);
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

        return undone;
    }

    // WordPress answers "Briefly unavailable for scheduled maintenance" while <root>/.maintenance
    // sets $upgrading within the last ten minutes. One that is there already is the admin's: left as it is.
    private async Task<bool> MaintenanceOnAsync()
    {
        if (File.Exists(places.Maintenance))
        {
            return false;
        }

        await File.WriteAllTextAsync(places.Maintenance, $"<?php $upgrading = {time.GetUtcNow().ToUnixTimeSeconds()}; ?>\n");
        return true;
    }
}
