namespace Backupd.Modules.WordPress;

/// <summary>
/// Backs up a WordPress site: its database with mysqldump and its wp-content, in one
/// <c>.tar.zst</c> bundle with a manifest, uploaded to the job's storage.
/// </summary>
public sealed class WordPressModule : BackupModule<WordPressJobConfig>
{
    /// <summary>The stage names, in order.</summary>
    public static class StageNames
    {
        public const string BackupDatabase = "backup_db";
        public const string BackupFiles = "backup_files";
        public const string CreateBundle = "create_bundle";
        public const string UploadRemote = "upload_remote";
        public const string Cleanup = "cleanup";
    }

    public override string Name => ModuleNames.WordPress;

    public override string Description => "A WordPress site: its database (mysqldump) and wp-content, in one .tar.zst bundle.";

    public override IReadOnlyList<StageDefinition> Stages { get; } =
    [
        // The dump runs while wp-content streams into the bundle; backup_files appends it when both are done.
        new(StageNames.BackupDatabase, "Dump the database with mysqldump (a consistent snapshot)", RunsAlongsideNext: true),
        new(StageNames.BackupFiles, "Stream wp-content into the bundle, then the dump"),
        new(StageNames.CreateBundle, "Write the manifest and finish the bundle"),
        new(StageNames.UploadRemote, "Upload the bundle to storage and verify it"),
        new(StageNames.Cleanup, "Remove the job's work directory", AlwaysRuns: true),
    ];

    public override IReadOnlyList<string> RequiredTools => ["mysqldump"];

    protected override IEnumerable<ConfigError> Validate(WordPressJobConfig config)
    {
        if (!System.IO.Path.IsPathFullyQualified(config.Path))
        {
            yield return new ConfigError("path", "must be an absolute path, e.g. /srv/www/example");
        }

        if (config.CompressionLevel is < 1 or > 19)
        {
            yield return new ConfigError("compressionLevel", "must be from 1 to 19");
        }

        if (config.Db?.Port is { } port && port is < 1 or > 65535)
        {
            yield return new ConfigError("db.port", "must be from 1 to 65535");
        }

        if (config.Db?.Socket is { } socket && !System.IO.Path.IsPathFullyQualified(socket))
        {
            yield return new ConfigError("db.socket", "must be an absolute path");
        }

        foreach (var (pattern, index) in (config.Exclude ?? []).Select((p, i) => (p, i)))
        {
            if (string.IsNullOrWhiteSpace(pattern) || pattern.StartsWith('/') || pattern.Split('/').Contains(".."))
            {
                yield return new ConfigError($"exclude[{index}]", "must be a relative pattern under wp-content without '..'");
            }
        }
    }

    protected override ModuleRun CreateRun(WordPressJobConfig config) => new WordPressRun(config);
}
