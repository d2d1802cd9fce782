using System.Text;
using Backupd.Master.Persistence;

namespace Backupd.Tests.Master;

/// <summary>Everything in a SQLite database as text, to search it for secrets.</summary>
internal static class SqliteText
{
    public static async Task<string> ReadAllAsync(SqliteDatabase database)
    {
        var text = new StringBuilder();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        // A checkpoint moves the WAL into the main file, so the raw file bytes are complete too.
        await using (var checkpoint = connection.CreateCommand())
        {
            checkpoint.CommandText = "PRAGMA wal_checkpoint(FULL);";
            await checkpoint.ExecuteNonQueryAsync();
        }

        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table';";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\";";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.GetValue(i) switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                    }).Append('\n');
                }
            }
        }

        text.Append(Encoding.UTF8.GetString(await File.ReadAllBytesAsync(database.Path)));
        return text.ToString();
    }
}
