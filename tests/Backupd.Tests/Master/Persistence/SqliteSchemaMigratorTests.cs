using Backupd.Master.Persistence;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backupd.Tests.Master.Persistence;

public sealed class SqliteSchemaMigratorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backupd-schema-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private SqliteDatabase Database => new(Path.Combine(_dir, "backupd.db"));

    private SqliteSchemaMigrator Migrator(IReadOnlyList<SchemaMigration> migrations) =>
        new(Database, migrations, TimeProvider.System, NullLogger<SqliteSchemaMigrator>.Instance);

    private async Task<List<string>> QueryKeysAsync()
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey;";
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    [Fact]
    public async Task Fresh_database_gets_every_query_key_the_providers_need()
    {
        var migrations = SchemaMigration.LoadEmbedded("sqlite");
        Assert.Equal(migrations[^1].Version, await Migrator(migrations).ApplyAsync(CancellationToken.None));

        var keys = await QueryKeysAsync();
        string[] required =
        [
            "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey",
            "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];
        Assert.All(required, key => Assert.Contains(key, keys));
    }

    [Fact]
    public async Task Applying_twice_changes_nothing()
    {
        var migrations = SchemaMigration.LoadEmbedded("sqlite");
        await Migrator(migrations).ApplyAsync(CancellationToken.None);
        await Migrator(migrations).ApplyAsync(CancellationToken.None);

        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM BackupdSchemaVersion;";
        Assert.Equal((long)migrations.Count, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task New_scripts_are_applied_on_the_next_start()
    {
        var shipped = SchemaMigration.LoadEmbedded("sqlite");
        await Migrator(shipped).ApplyAsync(CancellationToken.None);
        var next = new SchemaMigration(shipped[^1].Version + 1, "9999-test.sql", "CREATE TABLE TestAdded (Id INTEGER PRIMARY KEY);");

        Assert.Equal(next.Version, await Migrator([.. shipped, next]).ApplyAsync(CancellationToken.None));
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        Assert.Equal(next.Version, await SqliteSchemaMigrator.ReadVersionAsync(connection, CancellationToken.None));
    }

    [Fact]
    public async Task Failing_script_leaves_nothing_half_applied()
    {
        var shipped = SchemaMigration.LoadEmbedded("sqlite");
        await Migrator(shipped).ApplyAsync(CancellationToken.None);
        var broken = new SchemaMigration(shipped[^1].Version + 1, "9999-broken.sql", "CREATE TABLE HalfDone (Id INTEGER); SELECT * FROM NoSuchTable;");

        await Assert.ThrowsAnyAsync<Microsoft.Data.Sqlite.SqliteException>(() => Migrator([.. shipped, broken]).ApplyAsync(CancellationToken.None));
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        Assert.Equal(shipped[^1].Version, await SqliteSchemaMigrator.ReadVersionAsync(connection, CancellationToken.None));
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'HalfDone';";
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Database_from_a_newer_backupd_is_refused_with_a_clear_message()
    {
        var shipped = SchemaMigration.LoadEmbedded("sqlite");
        var future = new SchemaMigration(shipped[^1].Version + 1, "9999-future.sql", "SELECT 1;");
        await Migrator([.. shipped, future]).ApplyAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<SchemaTooNewException>(() => Migrator(shipped).ApplyAsync(CancellationToken.None));
        Assert.Contains("newer backupd", error.Message);
    }
}
