using System.Text;
using Backupd.Modules.WordPress;
using Backupd.TestBed;
using Backupd.Tests.TestBed;

namespace Backupd.Tests.Modules.WordPress;

/// <summary>What a dump holds when the database user has fewer privileges than root, as on shared hosting.</summary>
[Collection(WordPressCollection.Name)]
public sealed class DatabaseDumperPrivilegeTests(WordPressFixture wordPress) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    // What many hosting panels grant a site's user: no EVENT, no TRIGGER, no routines.
    private const string PanelPrivileges = "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, LOCK TABLES, CREATE TEMPORARY TABLES";

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("backupd-dump-privileges-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Routines_and_events_the_user_may_read_are_dumped_without_warnings()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        await using var database = await ScratchDatabase.CreateAsync(wordPress.Database, ct);
        await database.ExecuteAsUserAsync(
            "CREATE TABLE counts (n INT); CREATE PROCEDURE bump() INSERT INTO counts VALUES (1); CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DO DELETE FROM counts",
            ct);

        var (sql, result) = await DumpAsync(database, ct);

        Assert.Empty(result.Warnings);
        Assert.Contains("PROCEDURE `bump`()", sql, StringComparison.Ordinal);
        Assert.Contains("EVENT `nightly`", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Routines_the_user_may_not_read_are_left_out_with_a_warning_and_the_tables_still_dumped()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        await using var database = await ScratchDatabase.CreateAsync(wordPress.Database, ct);
        await database.ExecuteAsRootAsync("CREATE TABLE kept (v VARCHAR(10)); INSERT INTO kept VALUES ('still-here'); CREATE PROCEDURE roots() SELECT 1", ct);

        var (sql, result) = await DumpAsync(database, ct);

        var warning = Assert.Single(result.Warnings);
        Assert.Contains("Stored procedures and functions were left out", warning, StringComparison.Ordinal);
        Assert.Contains(database.User, warning, StringComparison.Ordinal);
        Assert.Contains("'still-here'", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("roots", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_are_left_out_with_a_warning_when_the_user_lacks_the_event_privilege()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        await using var database = await ScratchDatabase.CreateAsync(wordPress.Database, ct, PanelPrivileges);
        await database.ExecuteAsUserAsync("CREATE TABLE kept (v VARCHAR(10)); INSERT INTO kept VALUES ('still-here')", ct);
        await database.ExecuteAsRootAsync("CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DO DELETE FROM kept", ct);

        var (sql, result) = await DumpAsync(database, ct);

        var warning = Assert.Single(result.Warnings);
        Assert.Contains("Scheduled events were left out", warning, StringComparison.Ordinal);
        Assert.Contains("EVENT privilege", warning, StringComparison.Ordinal);
        Assert.Contains("'still-here'", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("nightly", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_with_quotes_backslashes_hashes_and_spaces_reaches_the_server_intact()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        const string password = " p\"a's\\s#w;o[r]d=ö\t ";
        await using var database = await ScratchDatabase.CreateAsync(wordPress.Database, ct, password: password);
        await database.ExecuteAsUserAsync("CREATE TABLE t (v INT); INSERT INTO t VALUES (42)", ct);

        var (sql, result) = await DumpAsync(database, ct);

        Assert.Empty(result.Warnings);
        Assert.Contains("INSERT INTO `t` VALUES", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_columns_and_four_byte_characters_survive_a_dump_and_import()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        await using var database = await ScratchDatabase.CreateAsync(wordPress.Database, ct);
        await database.ExecuteAsUserAsync(
            "CREATE TABLE mixed (id INT PRIMARY KEY, raw BLOB, text TEXT CHARACTER SET utf8mb4, legacy TEXT CHARACTER SET latin1) DEFAULT CHARSET=utf8mb4; "
            + "INSERT INTO mixed VALUES (1, UNHEX('00FF0D0A27225C1A80C3'), 'party 🎉 日本 \\'quoted\\' back\\\\slash', 'café')",
            ct);
        var dumpPath = Path.Combine(_work.FullName, "mixed.sql");
        var restored = database.Name + "r";

        await using (var output = File.Create(dumpPath))
        {
            await new DatabaseDumper(Path.Combine(_work.FullName, "work")).DumpAsync(database.Settings, output, ct);
        }

        try
        {
            await DumpRestore.ImportAsync(wordPress.Database, dumpPath, restored, ct);

            Assert.Contains("0x00FF0D0A27225C1A80C3", await File.ReadAllTextAsync(dumpPath, ct), StringComparison.Ordinal);
            Assert.Equal(
                await DumpRestore.ChecksumsAsync(wordPress.Database, database.Name, ct),
                await DumpRestore.ChecksumsAsync(wordPress.Database, restored, ct));
        }
        finally
        {
            await DumpRestore.DropAsync(wordPress.Database, restored);
        }
    }

    private async Task<(string Sql, DatabaseDumpResult Result)> DumpAsync(ScratchDatabase database, CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        var result = await new DatabaseDumper(Path.Combine(_work.FullName, "work")).DumpAsync(database.Settings, output, cancellationToken);
        return (Encoding.UTF8.GetString(output.ToArray()), result);
    }
}
