namespace Backupd.Grains;

/// <summary>Names of the grain storage providers the master registers.</summary>
public static class StorageNames
{
    /// <summary>The master's database: SQLite by default, MySQL/MariaDB for a cluster.</summary>
    public const string Master = "backupd";
}
