using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Backupd.Master.Persistence;

/// <summary>
/// Brings the SQLite file up to the schema this build knows, one script per transaction, and
/// records each applied script in <c>BackupdSchemaVersion</c>.
/// </summary>
public sealed partial class SqliteSchemaMigrator(SqliteDatabase database, IReadOnlyList<SchemaMigration> migrations, TimeProvider time, ILogger<SqliteSchemaMigrator> logger)
{
    /// <summary>Applies every script not applied yet.</summary>
    /// <returns>The schema version the database is at afterwards.</returns>
    public async Task<int> ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);

        // WAL lets the health check and the API read while Orleans writes; the setting persists in the file.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        await ExecuteAsync(connection, null, """
            CREATE TABLE IF NOT EXISTS BackupdSchemaVersion (
                Version   INTEGER NOT NULL PRIMARY KEY,
                Name      TEXT    NOT NULL,
                Sha256    TEXT    NOT NULL,
                AppliedAt TEXT    NOT NULL
            );
            """, cancellationToken);

        var applied = await ReadAppliedAsync(connection, cancellationToken);
        var newest = migrations.Count == 0 ? 0 : migrations[^1].Version;
        if (applied.Count > 0 && applied.Keys.Max() > newest)
        {
            throw new SchemaTooNewException(database.Path, applied.Keys.Max(), newest);
        }

        foreach (var migration in migrations)
        {
            if (applied.TryGetValue(migration.Version, out var sha))
            {
                if (sha != migration.Sha256)
                {
                    LogChanged(migration.Name, database.Path);
                }

                continue;
            }

            await ApplyAsync(connection, migration, cancellationToken);
            LogApplied(migration.Name, database.Path);
        }

        return newest;
    }

    private async Task ApplyAsync(SqliteConnection connection, SchemaMigration migration, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
        await using var record = connection.CreateCommand();
        record.Transaction = transaction;
        record.CommandText = "INSERT INTO BackupdSchemaVersion (Version, Name, Sha256, AppliedAt) VALUES (@version, @name, @sha, @at);";
        record.Parameters.AddWithValue("@version", migration.Version);
        record.Parameters.AddWithValue("@name", migration.Name);
        record.Parameters.AddWithValue("@sha", migration.Sha256);
        record.Parameters.AddWithValue("@at", time.GetUtcNow().ToString("O"));
        await record.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Reads the highest applied version; used by the health check to prove the database answers.</summary>
    public static async Task<long> ReadVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(Version), 0) FROM BackupdSchemaVersion;";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Version, Sha256 FROM BackupdSchemaVersion;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var applied = new Dictionary<int, string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Applied schema script {Script} to {Database}")]
    private partial void LogApplied(string script, string database);

    [LoggerMessage(LogLevel.Warning, "Schema script {Script} differs from the version applied to {Database}; released scripts must not change")]
    private partial void LogChanged(string script, string database);
}
