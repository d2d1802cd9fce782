using Backupd.Modules.Storage;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// Puts a WordPress site back from a stored bundle, in place: the bundle is downloaded and proven
/// whole first, then the files and the database are staged beside the live ones and swapped in
/// with renames (the tables in one atomic <c>RENAME TABLE</c>), under WordPress's maintenance
/// mode. Whatever fails before the swap leaves the live site as it was; a failure during the
/// swap puts the old site back. Only the master makes these jobs, from its record of a backup.
/// </summary>
public sealed class WordPressRestoreModule : BackupModule<WordPressRestoreConfig>
{
    /// <summary>The stage names, in order.</summary>
    public static class StageNames
    {
        public const string FetchBundle = "fetch_bundle";
        public const string VerifyBundle = "verify_bundle";
        public const string Plan = "plan";
        public const string StageFiles = "stage_files";
        public const string StageDatabase = "stage_database";
        public const string Rewrite = "rewrite";
        public const string Swap = RestoreKeptCopy.SwapStage;
        public const string Check = "check";
        public const string Cleanup = "cleanup";
    }

    public override string Name => ModuleNames.Restore;

    public override bool MasterOnly => true;

    public override string Description => "Restores a WordPress site from a stored bundle: checked first, staged beside the live site, swapped in with renames.";

    public override IReadOnlyList<string> RequiredTools => ["mysql"];

    public override IReadOnlyList<StageDefinition> Stages { get; } =
    [
        new(StageNames.FetchBundle, "Download the bundle and check its size and SHA-256 against the backup's record"),
        new(StageNames.VerifyBundle, "Check every file and the database dump against the bundle's manifest"),
        new(StageNames.Plan, "Read the live site, take its restore lock, say what will be replaced and kept"),
        new(StageNames.StageFiles, "Extract the bundle's files next to the live site (same file system)", RunsAlongsideNext: true),
        new(StageNames.StageDatabase, "Import the dump, streamed out of the bundle, into tables under a staging prefix"),
        new(StageNames.Rewrite, "Rewrite the staged tables for the target: the table prefix in rows, the URL (serialized values kept valid)"),
        new(StageNames.Swap, "Maintenance mode on, swap tables and files in, maintenance mode off"),
        new(StageNames.Check, "PHP loads the site; tables and files are what the bundle holds"),
        new(StageNames.Cleanup, "Remove the staged copy, and what was replaced unless it is kept", AlwaysRuns: true),
    ];

    protected override IEnumerable<ConfigError> Validate(WordPressRestoreConfig config)
    {
        foreach (var error in config.Bundle.Validate(BundleSource.ConfigProperty))
        {
            yield return error;
        }

        if (!System.IO.Path.IsPathFullyQualified(config.Path))
        {
            yield return new ConfigError("path", "must be an absolute path, e.g. /srv/www/example");
        }

        if (config.Parts.Count == 0 || config.Parts.Any(part => part is not (WordPressRestoreConfig.DatabasePart or WordPressRestoreConfig.FilesPart)))
        {
            yield return new ConfigError("parts", "must name \"database\", \"files\" or both");
        }

        foreach (var (path, index) in (config.Paths ?? []).Select((p, i) => (p, i)))
        {
            if (string.IsNullOrWhiteSpace(path) || path.StartsWith('/') || path.Split('/').Any(segment => segment is ".." or "." or ""))
            {
                yield return new ConfigError($"paths[{index}]", "must be a path under wp-content, e.g. uploads/2024, without a leading '/', '.' or '..'");
            }
        }

        if (config.Paths is { Count: > 0 } && !config.RestoresFiles)
        {
            yield return new ConfigError("paths", "restores only files: add \"files\" to parts");
        }

        if (config.TablePrefix is { } prefix && (prefix.Length is 0 or > 20 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
        {
            yield return new ConfigError("tablePrefix", "must be 1 to 20 letters, digits and underscores, as WordPress allows, e.g. wpc_");
        }

        if (config.Url is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" && parsed.Query.Length == 0 && parsed.Fragment.Length == 0))
        {
            yield return new ConfigError("url", "must be an http:// or https:// URL without a query, e.g. https://copy.example");
        }

        if (!config.NewSite && (config.TablePrefix is not null || config.Url is not null || config.Overwrite))
        {
            yield return new ConfigError("newSite", "a restore in place keeps the site's URL and table prefix; tablePrefix, url and overwrite are for a new site");
        }

        if (config.TestRestore && (config.NewSite || config.DryRun || config.Paths is { Count: > 0 }))
        {
            yield return new ConfigError("testRestore", "a test-restore restores the whole bundle into its own scratch copy: no newSite, dryRun or paths");
        }

        if (config.UndoOf is not null && (config.NewSite || config.TestRestore || config.DryRun || !config.KeepReplaced))
        {
            yield return new ConfigError("undoOf", "an undo swaps a restore's kept copy back into the same site and keeps what it replaces: no newSite, testRestore, dryRun or safetyBackup: false");
        }

        if (config.DiscardKeptOf is not null && (config.NewSite || config.TestRestore || config.DryRun || config.UndoOf is not null))
        {
            yield return new ConfigError("discardKeptOf", "a discard removes what a restore in place kept of the same site: no newSite, testRestore, dryRun or undoOf");
        }

        if (config.NewSite && (config.Db?.Name is null || config.Db.User is null || config.Db.Password is null))
        {
            yield return new ConfigError("db", "a new site needs its database's name, user and password");
        }
    }

    protected override ModuleRun CreateRun(WordPressRestoreConfig config) =>
        config.DiscardKeptOf is null ? new WordPressRestoreRun(config) : new KeptCopyDiscardRun(config);
}
