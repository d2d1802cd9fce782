using Backupd.Modules.WordPress;
using Backupd.Modules.WordPress.Restore;
using Backupd.TestBed;
using Backupd.Tests.TestBed;

namespace Backupd.Tests.Modules.WordPress;

/// <summary>
/// A real dump of a database imported through the real client beside its own live tables, as a
/// restore in place does, then swapped in with one RENAME TABLE: foreign keys, whose names are
/// unique in a database, import beside the live ones' and keep or get InnoDB's kind of name.
/// </summary>
[Collection(WordPressCollection.Name)]
public sealed class DatabaseImportTests(WordPressFixture wordPress) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("backupd-import-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Tables_with_foreign_keys_import_beside_the_live_ones_and_swap_in()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        await using var database = await ScratchDatabase.CreateAsync(wordPress.Database, ct);
        await database.ExecuteAsUserAsync(
            "CREATE TABLE `wp_parent` (`id` int PRIMARY KEY) ENGINE=InnoDB; INSERT INTO `wp_parent` VALUES (1), (2);"
            + "CREATE TABLE `wp_child` (`id` int PRIMARY KEY, `a` int, `b` int, FOREIGN KEY (`a`) REFERENCES `wp_parent` (`id`),"
            + " CONSTRAINT `fk_child_b` FOREIGN KEY (`b`) REFERENCES `wp_parent` (`id`) ON DELETE CASCADE) ENGINE=InnoDB;"
            + "INSERT INTO `wp_child` VALUES (10, 1, 2);", ct);
        using var dump = new MemoryStream();
        await new DatabaseDumper(_work.FullName).DumpAsync(database.Settings, dump, ct);
        dump.Position = 0;

        var import = await DatabaseImport.RunAsync(dump, database.Settings, "wp_", "brs1_", _work.FullName, new Progress<long>(), ct);
        await database.ExecuteAsUserAsync("RENAME TABLE `wp_parent` TO `bro1_parent`, `wp_child` TO `bro1_child`, `brs1_parent` TO `wp_parent`, `brs1_child` TO `wp_child`", ct);

        Assert.Equal(["wp_child", "wp_parent"], import.Tables.Order());
        Assert.Equal(["fk_child_b of wp_child (now <table>_ibfk_1001)"], import.RenamedForeignKeys);
        Assert.Equal(
            ["wp_child_ibfk_1 → wp_parent", "wp_child_ibfk_1001 → wp_parent"],
            await database.QueryAsUserAsync("SELECT CONCAT(CONSTRAINT_NAME, ' → ', REFERENCED_TABLE_NAME) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'wp_child' ORDER BY 1", ct));
        // The restored keys hold: a delete in the restored parent cascades to the restored child.
        await database.ExecuteAsUserAsync("DELETE FROM `wp_parent` WHERE `id` = 2", ct);
        Assert.Empty(await database.QueryAsUserAsync("SELECT CAST(`id` AS CHAR) FROM `wp_child`", ct));
        // The kept copy keeps its own keys, on its own parent.
        Assert.Equal(
            ["bro1_child_ibfk_1 → bro1_parent", "fk_child_b → bro1_parent"],
            await database.QueryAsUserAsync("SELECT CONCAT(CONSTRAINT_NAME, ' → ', REFERENCED_TABLE_NAME) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'bro1_child' ORDER BY 1", ct));
    }
}
