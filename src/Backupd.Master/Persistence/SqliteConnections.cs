using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Backupd.Master.Persistence;

/// <summary>
/// Opens every connection to the master's SQLite file, Orleans' included (its ADO.NET providers
/// take a data source), and sets it up the same way. SQLite itself waits for a busy file
/// (<c>busy_timeout</c>) with short sleeps; left to Microsoft.Data.Sqlite, a writer that meets
/// another retries only every 150 ms, which under a few concurrent writes is most of the time spent.
/// <c>synchronous = NORMAL</c> is SQLite's advice for WAL: a commit is on disk once the process
/// has it (a crash or kill -9 loses nothing), and only a power cut may lose the last commits,
/// never consistency; leases, the job index reconciler and the schedules' catch-up recover
/// from that. FULL would sync the log at every commit, and hold the single writer's lock that long.
/// </summary>
public sealed class SqliteConnections(string connectionString, int busyTimeoutMilliseconds) : DbDataSource
{
    public override string ConnectionString => connectionString;

    protected override DbConnection CreateDbConnection() => new SqliteConnection(connectionString);

    protected override DbConnection OpenDbConnection()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = Prepare(connection);
        command.ExecuteNonQuery();
        return connection;
    }

    protected override async ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = Prepare(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private SqliteCommand Prepare(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {busyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;";
        return command;
    }
}
