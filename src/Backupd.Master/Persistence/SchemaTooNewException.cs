namespace Backupd.Master.Persistence;

/// <summary>The database was written by a newer backupd than this one.</summary>
public sealed class SchemaTooNewException(string path, int databaseVersion, int knownVersion)
    : Exception($"The database '{path}' has schema version {databaseVersion}, but this backupd knows only up to version {knownVersion}. " +
                "Run the newer backupd that wrote it, or restore a backup of the data dir made with this version.")
{
    /// <summary>Version found in the database.</summary>
    public int DatabaseVersion { get; } = databaseVersion;
}
