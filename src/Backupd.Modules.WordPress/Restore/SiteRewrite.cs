using MySqlConnector;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// Makes staged tables fit the site they are going to: the rows that carry the table prefix
/// (the roles option, the users' capability keys) under the new prefix, and the old URL replaced
/// by the new one in every text column (serialized values kept valid; <c>guid</c> left alone, as
/// WordPress says a post's guid never changes), then <c>siteurl</c> and <c>home</c> set. A network
/// (multisite) moves whole: each site's roles option in its own options table, each site's URL,
/// domain and path. It works on the staging tables only, so a failure leaves the live site as it was.
/// </summary>
internal sealed class SiteRewrite(DatabaseConnectionSettings settings, string stagingPrefix)
{
    private static readonly string[] TextTypes = ["char", "varchar", "tinytext", "text", "mediumtext", "longtext"];

    /// <summary>
    /// Writes the rows that name the prefix anew, from <paramref name="oldPrefix"/> to <paramref name="newPrefix"/>, in
    /// <paramref name="stagedTables"/>; in a <paramref name="network"/> each site has an options table and a roles option of its own.
    /// </summary>
    /// <returns>How many rows changed.</returns>
    public Task<int> ChangePrefixAsync(string oldPrefix, string newPrefix, WordPressNetwork? network, IReadOnlyList<string> stagedTables, CancellationToken cancellationToken) =>
        RunAsync(async connection =>
        {
            var changed = 0;
            // The main site's tables have no number; every other site's carry its id (wp_2_options).
            var sites = (network?.Sites.Select(site => site.Id).Where(id => id > 1) ?? []).Select(id => $"{id}_").Prepend(string.Empty);
            var staged = stagedTables.ToHashSet(StringComparer.Ordinal);
            foreach (var site in sites.Where(site => staged.Contains(stagingPrefix + site + "options")))
            {
                await using var roles = new MySqlCommand($"UPDATE {Table(site + "options")} SET option_name = @new WHERE option_name = @old", connection);
                roles.Parameters.AddWithValue("@new", newPrefix + site + "user_roles");
                roles.Parameters.AddWithValue("@old", oldPrefix + site + "user_roles");
                changed += await roles.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var keys = new MySqlCommand(
                $"UPDATE {Table("usermeta")} SET meta_key = CONCAT(@new, SUBSTRING(meta_key, CHAR_LENGTH(@old) + 1)) WHERE LEFT(meta_key, CHAR_LENGTH(@old)) = @old", connection))
            {
                keys.Parameters.AddWithValue("@new", newPrefix);
                keys.Parameters.AddWithValue("@old", oldPrefix);
                changed += await keys.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return changed;
        }, cancellationToken);

    /// <summary>
    /// Replaces <paramref name="oldUrl"/> by <paramref name="newUrl"/> in every staged table (and, in
    /// a network, every site's URL by its new one, and the domains and paths of its sites); returns
    /// the values changed and the tables it could not change (no primary key).
    /// </summary>
    public Task<(int Values, IReadOnlyList<string> Skipped)> ChangeUrlAsync(
        IReadOnlyList<string> stagedTables, string oldUrl, string newUrl, WordPressNetwork? network, IProgress<long>? progress, CancellationToken cancellationToken) =>
        RunAsync<(int, IReadOnlyList<string>)>(async connection =>
        {
            var move = network?.Move(oldUrl, newUrl);
            var replacer = SerializedReplacer.ForUrls(move is null ? [(oldUrl, newUrl)] : move.UrlPairs().Prepend((oldUrl, newUrl)));
            // Every form of the old URL holds its host and path as they are: a cheap filter for the rows worth reading.
            var needle = new Uri(oldUrl).Host;
            var (values, done, skipped) = (0, 0L, new List<string>());
            foreach (var table in stagedTables)
            {
                var keys = await PrimaryKeyAsync(connection, table, cancellationToken).ConfigureAwait(false);
                if (keys.Count == 0)
                {
                    skipped.Add(table);
                    continue;
                }

                foreach (var column in await TextColumnsAsync(connection, table, cancellationToken).ConfigureAwait(false))
                {
                    if (column == "guid" && table == stagingPrefix + "posts")
                    {
                        continue;
                    }

                    values += await ChangeColumnAsync(connection, table, keys, column, needle, replacer, cancellationToken).ConfigureAwait(false);
                }

                progress?.Report(++done);
            }

            await using (var urls = new MySqlCommand($"UPDATE {Table("options")} SET option_value = @url WHERE option_name IN ('siteurl', 'home')", connection))
            {
                urls.Parameters.AddWithValue("@url", newUrl.TrimEnd('/'));
                await urls.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (move is not null)
            {
                await MoveNetworkAsync(connection, move, cancellationToken).ConfigureAwait(false);
            }

            return (values, skipped);
        }, cancellationToken);

    // WordPress finds a network's sites, and the network itself, by domain and path, kept without a
    // scheme: no URL search finds them.
    private async Task MoveNetworkAsync(MySqlConnection connection, NetworkMove move, CancellationToken cancellationToken)
    {
        await MoveRowsAsync(connection, "blogs", "blog_id", move.Network.Sites.Select(site => (site.Id, site.Domain, site.Path)), move, cancellationToken).ConfigureAwait(false);
        var networks = new List<(long Id, string Domain, string Path)>();
        await using (var select = new MySqlCommand($"SELECT id, domain, path FROM {Table("site")}", connection))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                networks.Add((Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2)));
            }
        }

        await MoveRowsAsync(connection, "site", "id", networks, move, cancellationToken).ConfigureAwait(false);
    }

    private async Task MoveRowsAsync(
        MySqlConnection connection, string table, string idColumn, IEnumerable<(long Id, string Domain, string Path)> rows, NetworkMove move, CancellationToken cancellationToken)
    {
        foreach (var (id, domain, path) in rows.Where(row => move.Moves(row.Domain)))
        {
            await using var update = new MySqlCommand($"UPDATE {Table(table)} SET domain = @domain, path = @path WHERE {Quote(idColumn)} = @id", connection);
            update.Parameters.AddWithValue("@domain", move.Domain(domain));
            update.Parameters.AddWithValue("@path", move.Path(path));
            update.Parameters.AddWithValue("@id", id);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> ChangeColumnAsync(
        MySqlConnection connection, string table, IReadOnlyList<string> keys, string column, string needle, SerializedReplacer replacer, CancellationToken cancellationToken)
    {
        var changes = new List<(object[] Key, string Value)>();
        await using (var select = new MySqlCommand($"SELECT {string.Join(", ", keys.Select(Quote))}, {Quote(column)} FROM {Quote(table)} WHERE INSTR({Quote(column)}, @needle) > 0", connection))
        {
            select.Parameters.AddWithValue("@needle", needle);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (replacer.Replace(reader.GetString(keys.Count)) is { } changed)
                {
                    changes.Add(([.. Enumerable.Range(0, keys.Count).Select(reader.GetValue)], changed));
                }
            }
        }

        var where = string.Join(" AND ", keys.Select((key, i) => $"{Quote(key)} = @k{i}"));
        foreach (var (key, value) in changes)
        {
            await using var update = new MySqlCommand($"UPDATE {Quote(table)} SET {Quote(column)} = @value WHERE {where}", connection);
            update.Parameters.AddWithValue("@value", value);
            for (var i = 0; i < key.Length; i++)
            {
                update.Parameters.AddWithValue($"@k{i}", key[i]);
            }

            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return changes.Count;
    }

    private static async Task<List<string>> PrimaryKeyAsync(MySqlConnection connection, string table, CancellationToken cancellationToken) =>
        await ColumnsAsync(connection, "SELECT column_name FROM information_schema.key_column_usage WHERE table_schema = DATABASE() AND table_name = @table AND constraint_name = 'PRIMARY' ORDER BY ordinal_position", table, cancellationToken).ConfigureAwait(false);

    private static async Task<List<string>> TextColumnsAsync(MySqlConnection connection, string table, CancellationToken cancellationToken) =>
        await ColumnsAsync(connection, $"SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = @table AND data_type IN ({string.Join(", ", TextTypes.Select(t => $"'{t}'"))}) ORDER BY ordinal_position", table, cancellationToken).ConfigureAwait(false);

    private static async Task<List<string>> ColumnsAsync(MySqlConnection connection, string sql, string table, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@table", table);
        return await SiteDatabase.ReadStringsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private string Table(string name) => Quote(stagingPrefix + name);

    private static string Quote(string name) => SiteDatabase.Quote(name);

    private Task<T> RunAsync<T>(Func<MySqlConnection, Task<T>> work, CancellationToken cancellationToken) => SiteDatabase.RunAsync(settings, work, cancellationToken);
}
