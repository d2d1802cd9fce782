using Backupd.TestBed;
using MySqlConnector;

namespace Backupd.Tests.Modules.WordPress;

/// <summary>Loads a dump into a new database as root and compares tables, to prove a dump restores to the same data.</summary>
internal static class DumpRestore
{
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Creates <paramref name="database"/> and runs the dump in it with the mariadb client.</summary>
    public static async Task ImportAsync(MariaDbServer server, string dumpPath, string database, CancellationToken cancellationToken)
    {
        await using (var root = await server.OpenRootConnectionAsync(cancellationToken))
        {
            await using var create = new MySqlCommand($"CREATE DATABASE `{database}`", root);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var client = RequiredProgram.Find("mariadb", "apt-get install mariadb-client");
        string[] arguments =
        [
            "--no-defaults",
            $"--socket={server.SocketPath}",
            "--user=root",
            "--default-character-set=utf8mb4",
            database,
            $"--execute=source {dumpPath}",
        ];
        var result = await ProcessRunner.RunAsync(client, arguments, ImportTimeout, cancellationToken: cancellationToken);
        result.EnsureSuccess($"importing {dumpPath} into {database}");
    }

    /// <summary><c>CHECKSUM TABLE</c> of every base table in <paramref name="database"/>, by table name.</summary>
    public static async Task<SortedDictionary<string, long?>> ChecksumsAsync(MariaDbServer server, string database, CancellationToken cancellationToken)
    {
        await using var root = await server.OpenRootConnectionAsync(cancellationToken);
        var tables = new List<string>();
        await using (var list = new MySqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = @db AND table_type = 'BASE TABLE'", root))
        {
            list.Parameters.AddWithValue("@db", database);
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var checksums = new SortedDictionary<string, long?>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var checksum = new MySqlCommand($"CHECKSUM TABLE `{database}`.`{table}` EXTENDED", root);
            await using var reader = await checksum.ExecuteReaderAsync(cancellationToken);
            Assert.True(await reader.ReadAsync(cancellationToken));
            checksums[table] = reader.IsDBNull(1) ? null : Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }

        return checksums;
    }

    public static async Task DropAsync(MariaDbServer server, string database)
    {
        if (!server.IsRunning)
        {
            return;
        }

        await using var root = await server.OpenRootConnectionAsync();
        await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", root);
        await drop.ExecuteNonQueryAsync();
    }
}
