using MySqlConnector;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>The tables of one database a restore reads, renames and drops, by prefix.</summary>
internal sealed class SiteTables(DatabaseConnectionSettings settings)
{
    /// <summary>The tables whose names start with <paramref name="prefix"/>, in name order.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        return await RunAsync(async connection =>
        {
            await using var command = new MySqlCommand(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND LEFT(table_name, CHAR_LENGTH(@prefix)) = @prefix ORDER BY table_name", connection);
            command.Parameters.AddWithValue("@prefix", prefix);
            return await SiteDatabase.ReadStringsAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops every table whose name starts with <paramref name="prefix"/>; returns how many.</summary>
    public async Task<int> DropAsync(string prefix, CancellationToken cancellationToken)
    {
        var tables = await ListAsync(prefix, cancellationToken).ConfigureAwait(false);
        if (tables.Count > 0)
        {
            await ExecuteAsync($"SET SESSION foreign_key_checks = 0; DROP TABLE {string.Join(", ", tables.Select(Quote))}", cancellationToken).ConfigureAwait(false);
        }

        return tables.Count;
    }

    /// <summary>
    /// Renames tables in one statement: MySQL and MariaDB apply a whole <c>RENAME TABLE</c> or none
    /// of it, so a site never shows half its tables from one copy and half from the other.
    /// </summary>
    public Task RenameAsync(IReadOnlyList<(string From, string To)> renames, CancellationToken cancellationToken) =>
        renames.Count == 0
            ? Task.CompletedTask
            : ExecuteAsync("RENAME TABLE " + string.Join(", ", renames.Select(r => $"{Quote(r.From)} TO {Quote(r.To)}")), cancellationToken);

    /// <summary>Rows in <paramref name="table"/>.</summary>
    public Task<long> CountRowsAsync(string table, CancellationToken cancellationToken) =>
        RunAsync(async connection =>
        {
            await using var command = new MySqlCommand($"SELECT COUNT(*) FROM {Quote(table)}", connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);

    private Task ExecuteAsync(string sql, CancellationToken cancellationToken) =>
        RunAsync(async connection =>
        {
            await using var command = new MySqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private Task<T> RunAsync<T>(Func<MySqlConnection, Task<T>> work, CancellationToken cancellationToken) => SiteDatabase.RunAsync(settings, work, cancellationToken);

    private static string Quote(string name) => SiteDatabase.Quote(name);
}
