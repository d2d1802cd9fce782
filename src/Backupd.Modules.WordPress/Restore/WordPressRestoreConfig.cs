using System.ComponentModel;
using Backupd.Modules.Storage;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>The config of a restore job. The master writes it from its record of the backup and the admin's request.</summary>
/// <param name="Bundle">The bundle to restore, as the master recorded it.</param>
/// <param name="Path">The WordPress root to restore into (the directory holding wp-config.php).</param>
/// <param name="Parts">What to restore: <c>database</c>, <c>files</c>, or both.</param>
/// <param name="Paths">Paths under wp-content to restore, instead of all of it.</param>
/// <param name="Db">Database settings that replace those read from the site's wp-config.php.</param>
/// <param name="KeepReplaced">Keep what the restore replaces (tables under another prefix, the old tree beside wp-content).</param>
/// <param name="DryRun">Only say what would be done.</param>
/// <param name="NewSite">The target is not the backed-up site: its wp-config.php is written with <paramref name="Db"/> and the prefix.</param>
/// <param name="TablePrefix">The table prefix at the target; the bundle's when null.</param>
/// <param name="Url">The site's URL at the target; the bundle's when null.</param>
/// <param name="Overwrite">Replace a site that is already at a new target.</param>
/// <param name="TestRestore">Restore into a scratch copy of the site at <paramref name="Path"/>, check it, remove it.</param>
/// <param name="Excluded">The backup's exclude patterns: what they match at the target is not in the bundle and stays.</param>
/// <param name="UndoOf">Swap back in what restore job <c>UndoOf</c> (with this config otherwise) replaced and kept, instead of the bundle.</param>
/// <param name="DiscardKeptOf">Remove what restore job <c>DiscardKeptOf</c> (with this config otherwise) replaced and kept; nothing is restored.</param>
public sealed record WordPressRestoreConfig(
    [property: Description("The bundle to restore, as the master recorded it when its backup finished.")]
    BundleSource Bundle,
    [property: Description("The WordPress root to restore into: the directory that holds wp-config.php.")]
    string Path,
    [property: Description("What to restore: \"database\", \"files\" (wp-content), or both.")]
    IReadOnlyList<string> Parts,
    [property: Description("Paths under wp-content to restore, e.g. \"uploads/2024\"; all of wp-content when empty.")]
    IReadOnlyList<string>? Paths = null,
    [property: Description("Database settings that replace those read from the site's wp-config.php.")]
    WordPressDatabaseOverride? Db = null,
    [property: Description("Keep what the restore replaces: the old tables under another prefix and the old files beside wp-content.")]
    bool KeepReplaced = true,
    [property: Description("Only work out and log what would be replaced, kept and needed; change nothing.")]
    bool DryRun = false,
    [property: Description("The target is another site than the one backed up: wp-config.php is written there with db (name, user and password required) and tablePrefix.")]
    bool NewSite = false,
    [property: Description("The table prefix at the target; the bundle's unless set (new sites only).")]
    string? TablePrefix = null,
    [property: Description("The site's URL at the target, e.g. https://copy.example; the bundle's unless set (new sites only).")]
    string? Url = null,
    [property: Description("Replace the site already at a new target (its wp-config.php, or tables under its prefix).")]
    bool Overwrite = false,
    [property: Description("Prove the bundle restores without touching the site: restore it into a scratch copy beside it (its own directory, its own tables in the site's database), check it, remove it.")]
    bool TestRestore = false,
    [property: Description("The backup's exclude patterns (relative to wp-content): what they match in the live wp-content is not in the bundle, so it stays in the site.")]
    IReadOnlyList<string>? Excluded = null,
    [property: Description("Undo restore job UndoOf: swap back in what it replaced and kept; the bundle is not read. Only the master sets it (POST /api/v1/restores/{id}/undo).")]
    string? UndoOf = null,
    [property: Description("Remove what restore job DiscardKeptOf replaced and kept (its tables under their kept prefix, its kept files); the site is not touched and the bundle is not read. Only the master sets it (POST /api/v1/restores/{id}/discard).")]
    string? DiscardKeptOf = null)
{
    /// <summary>The part that is the site's database.</summary>
    public const string DatabasePart = "database";

    /// <summary>The part that is wp-content.</summary>
    public const string FilesPart = "files";

    /// <summary>Whether the database is restored.</summary>
    public bool RestoresDatabase => Parts.Contains(DatabasePart);

    /// <summary>Whether wp-content (or some paths in it) is restored.</summary>
    public bool RestoresFiles => Parts.Contains(FilesPart);
}
