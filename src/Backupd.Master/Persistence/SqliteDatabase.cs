using Microsoft.Data.Sqlite;

namespace Backupd.Master.Persistence;

/// <summary>The master's embedded SQLite file: grain state, reminders and the product's own tables.</summary>
public sealed class SqliteDatabase(string path)
{
    /// <summary>Orleans' ADO.NET invariant that loads Microsoft.Data.Sqlite.</summary>
    public const string OrleansInvariant = "System.Data.SQLite";

    /// <summary>Path of the database file.</summary>
    public string Path { get; } = path;

    /// <summary>
    /// Connection string shared by Orleans and our own queries. Writers wait up to 30 s for the
    /// file lock instead of failing at once when Orleans and the API write together.
    /// </summary>
    public string ConnectionString { get; } = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>Opens a connection.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
