using Microsoft.Data.Sqlite;

namespace Backupd.Master.Persistence;

/// <summary>The master's embedded SQLite file: grain state, reminders and the product's own tables.</summary>
public sealed class SqliteDatabase(string path)
{
    /// <summary>Orleans' ADO.NET invariant that loads Microsoft.Data.Sqlite.</summary>
    public const string OrleansInvariant = "System.Data.SQLite";

    // As long as the command timeout: a writer waits up to 30 s for another to finish.
    private const int BusyTimeoutMilliseconds = 30_000;

    private SqliteConnections? _connections;

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

    /// <summary>Opens every connection to the file, ours and Orleans' alike.</summary>
    public SqliteConnections Connections => _connections ??= new SqliteConnections(ConnectionString, BusyTimeoutMilliseconds);

    /// <summary>Runs one statement on a connection of its own; returns the rows it changed.</summary>
    public async Task<int> ExecuteAsync(string sql, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs one query on a connection of its own; returns its first column, as text, row by row.</summary>
    public async Task<IReadOnlyList<string>> QueryStringsAsync(string sql, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary>Opens a connection.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) =>
        (SqliteConnection)await Connections.OpenConnectionAsync(cancellationToken);

    private static SqliteCommand Command(SqliteConnection connection, string sql, IReadOnlyDictionary<string, object> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
