using MySqlConnector;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>One connection to a site's database for a restore's statements, its failures in the words the backup uses.</summary>
internal static class SiteDatabase
{
    /// <summary>Runs <paramref name="work"/> on a fresh connection.</summary>
    /// <exception cref="DatabaseException">The server refused or could not be reached; never with the password.</exception>
    public static async Task<T> RunAsync<T>(DatabaseConnectionSettings settings, Func<MySqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new MySqlConnection(WordPressSiteInfoReader.ConnectionString(settings));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (MySqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw WordPressSiteInfoReader.Failure(e, settings);
        }
    }

    /// <summary>The first column of every row <paramref name="query"/> answers, as strings.</summary>
    public static async Task<List<string>> ReadStringsAsync(MySqlCommand query, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary>A table or column name as MySQL quotes it.</summary>
    public static string Quote(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
}
