using System.Diagnostics;
using System.Text;
using Backupd.Modules;
using Backupd.Modules.WordPress.Dump;
using Backupd.Modules.WordPress.Restore;
using Backupd.TestBed;
using Backupd.Tests.TestBed;

namespace Backupd.Tests.Modules.WordPress;

/// <summary>
/// A dump from a bundle a broken-into node made, imported through the real mysql client into a
/// real server: SQL of its own making (on a line of its own, after a row's ';', inside a
/// conditional comment, around one the server skips, behind a line the client joins to the next) and the client's own commands are refused before they reach the client,
/// and the live tables are as they were; and, should anything get past that, the client runs in
/// its sandbox, where a shell command is refused too.
/// </summary>
[Collection(WordPressCollection.Name)]
public sealed class DatabaseImportHostileTests(WordPressFixture wordPress) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("backupd-import-hostile-");

    public void Dispose() => _work.Delete(recursive: true);

    [Theory]
    [InlineData("DROP TABLE `wp_users`;")]
    [InlineData("INSERT INTO `wp_notes` VALUES (1); DROP TABLE `wp_users`;")]
    [InlineData("INSERT INTO `wp_notes` VALUES (1),(2);UPDATE `wp_users` SET `user_pass` = 'stolen';")]
    [InlineData("/*!40101 SET NAMES utf8mb4; DELETE FROM `wp_users` */;")]
    [InlineData("INSERT INTO `wp_notes` VALUES (1);GRANT ALL ON *.* TO CURRENT_USER;")]
    [InlineData("INSERT INTO `wp_notes` VALUES ((SELECT COUNT(*) FROM `wp_users`));")]
    [InlineData("REPLACE INTO /*!99999 `wp_notes` ( */ `wp_users` /*!99999 ) */ VALUES (1, 'stolen');")]
    [InlineData("CREATE TABLE `wp_more` (`a` int COMMENT 'p\ndelimiter' -\n- 'q\n); DROP TABLE `wp_users`; SELECT 1 #') ENGINE=InnoDB;")]
    public async Task SQL_of_the_dumps_own_making_is_refused_and_the_live_tables_are_untouched(string attack)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        await using var database = await ScratchDatabase.CreateAsync(wordPress.Database, ct);
        await database.ExecuteAsUserAsync("CREATE TABLE `wp_users` (`ID` int, `user_pass` varchar(64)); INSERT INTO `wp_users` VALUES (1, 'hash')", ct);
        var dump = $"DROP TABLE IF EXISTS `wp_notes`;\nCREATE TABLE `wp_notes` (`id` int);\n{attack}\nINSERT INTO `wp_notes` VALUES (3);\n";

        var refused = await Assert.ThrowsAsync<ModuleFailedException>(() => ImportAsync(database, dump, ct));

        Assert.StartsWith("The database dump was refused at byte ", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["1 hash"], await database.QueryAsUserAsync("SELECT CONCAT(`ID`, ' ', `user_pass`) FROM `wp_users`", ct));
        // Nothing but the staging copy was made.
        Assert.All(await database.QueryAsUserAsync("SHOW TABLES", ct), table => Assert.True(table is "wp_users" or "stg_notes", table));
    }

    [Theory]
    [InlineData("\\! touch {marker}")]
    [InlineData("system touch {marker}")]
    [InlineData("INSERT INTO `wp_notes` VALUES (1); \\! touch {marker}")]
    public async Task A_client_command_in_a_dump_is_refused_and_never_run(string line)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        await using var database = await ScratchDatabase.CreateAsync(wordPress.Database, ct);
        var marker = Path.Combine(_work.FullName, "ran");
        var dump = $"CREATE TABLE `wp_notes` (id INT);\n{line.Replace("{marker}", marker, StringComparison.Ordinal)}\nINSERT INTO `wp_notes` VALUES (2);\n";

        var refused = await Assert.ThrowsAsync<ModuleFailedException>(() => ImportAsync(database, dump, ct));

        Assert.False(File.Exists(marker), "the dump's shell command ran");
        Assert.StartsWith("The database dump was refused at byte ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Behind_the_filter_the_client_runs_in_its_sandbox_and_refuses_a_shell_command()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        await using var database = await ScratchDatabase.CreateAsync(wordPress.Database, ct);
        var marker = Path.Combine(_work.FullName, "ran");

        var (exitCode, standardError) = await RunClientAsync(database, $"SELECT 1;\n\\! touch {marker}\nSELECT 2;\n", mysqlHome: null, ct);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("sandbox", standardError, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(marker), "the shell command ran");
    }

    [Fact]
    public async Task Behind_the_filter_the_node_option_files_cannot_turn_on_commands_that_split_statements_elsewhere()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        await using var database = await ScratchDatabase.CreateAsync(wordPress.Database, ct);
        await database.ExecuteAsUserAsync("CREATE TABLE `wp_users` (`ID` int, `user_pass` varchar(64)); INSERT INTO `wp_users` VALUES (1, 'hash')", ct);
        // A node's own my.cnf with named-commands: "clear" and "go" obeyed on any line of a statement.
        var mysqlHome = Directory.CreateDirectory(Path.Combine(_work.FullName, "mysql-home")).FullName;
        await File.WriteAllTextAsync(Path.Combine(mysqlHome, "my.cnf"), "[mysql]\nnamed-commands\n", ct);
        const string Statement = "CREATE TABLE `stg_x` (\nclear\nUPDATE `wp_users` SET `user_pass` = 'stolen' WHERE `ID` = 1\ngo\nclear\n`a` int) ENGINE=InnoDB;\n";

        var (exitCode, _) = await RunClientAsync(database, Statement, mysqlHome, ct);

        Assert.NotEqual(0, exitCode);
        Assert.Equal(["1 hash"], await database.QueryAsUserAsync("SELECT CONCAT(`ID`, ' ', `user_pass`) FROM `wp_users`", ct));
    }

    // The mysql client as an import runs it, fed input straight, past the filter.
    private async Task<(int ExitCode, string StandardError)> RunClientAsync(ScratchDatabase database, string input, string? mysqlHome, CancellationToken ct)
    {
        var program = DumpProgram.FindClient(Environment.GetEnvironmentVariable("PATH"));
        await using var optionFile = await ClientOptionFile.CreateAsync(_work.FullName, database.Password, ct);
        var sandbox = await ClientSandbox.OptionAsync(program, optionFile.DirectoryPath, ct);
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = optionFile.DirectoryPath,
        };
        foreach (var argument in DatabaseImport.ClientArguments(optionFile.Path, database.Settings, sandbox))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = optionFile.DirectoryPath;
        if (mysqlHome is not null)
        {
            start.Environment["MYSQL_HOME"] = mysqlHome;
        }

        using var client = Process.Start(start)!;
        await client.StandardInput.WriteAsync(input);
        client.StandardInput.Close();
        var output = client.StandardOutput.ReadToEndAsync(ct);
        var standardError = await client.StandardError.ReadToEndAsync(ct);
        await client.WaitForExitAsync(ct);
        await output;
        return (client.ExitCode, standardError);
    }

    private Task ImportAsync(ScratchDatabase database, string dump, CancellationToken ct)
    {
        var input = new MemoryStream(Encoding.UTF8.GetBytes(dump));
        return DatabaseImport.RunAsync(input, database.Settings, "wp_", "stg_", _work.FullName, new Progress<long>(), ct);
    }
}
