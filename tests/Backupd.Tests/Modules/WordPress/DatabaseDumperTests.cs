using System.Security.Cryptography;
using System.Text;
using Backupd.Modules.WordPress;
using Backupd.TestBed;
using Backupd.Tests.TestBed;
using MySqlConnector;

namespace Backupd.Tests.Modules.WordPress;

[Collection(WordPressCollection.Name)]
public sealed class DatabaseDumperTests(WordPressFixture wordPress) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("backupd-dump-test-");

    private WordPressSite Site => wordPress.Site;

    private string WorkDirectory => Path.Combine(_scratch.FullName, "work");

    public void Dispose() => _scratch.Delete(recursive: true);

    [Fact]
    public async Task The_site_dump_imported_into_a_new_database_has_the_same_checksum_for_every_table()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var config = await WordPressConfigReader.ReadAsync(Site.RootPath, ct);
        var dumpPath = Path.Combine(_scratch.FullName, "site.sql");
        var restored = "restored" + RandomNumberGenerator.GetHexString(8, lowercase: true);

        DatabaseDumpResult result;
        await using (var output = File.Create(dumpPath))
        {
            result = await new DatabaseDumper(WorkDirectory).DumpAsync(config.ToConnectionSettings(), output, ct);
        }

        try
        {
            await DumpRestore.ImportAsync(wordPress.Database, dumpPath, restored, ct);
            var source = await DumpRestore.ChecksumsAsync(wordPress.Database, Site.DatabaseName, ct);
            var copy = await DumpRestore.ChecksumsAsync(wordPress.Database, restored, ct);

            Assert.Contains(Site.TablePrefix + "posts", source.Keys);
            Assert.True(source.Count >= 12, string.Join(", ", source.Keys));
            Assert.Equal(source, copy);
        }
        finally
        {
            await DumpRestore.DropAsync(wordPress.Database, restored);
        }

        var bytes = await File.ReadAllBytesAsync(dumpPath, ct);
        Assert.Equal(bytes.LongLength, result.Bytes);
        Assert.Empty(result.Warnings);
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkDirectory));
    }

    [Fact]
    public async Task The_dump_holds_the_sites_non_ascii_text_as_utf8mb4()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var config = await WordPressConfigReader.ReadAsync(Site.RootPath, ct);
        using var output = new MemoryStream();

        await new DatabaseDumper(WorkDirectory).DumpAsync(config.ToConnectionSettings(), output, ct);

        var sql = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(output.ToArray());
        Assert.Contains("SET NAMES utf8mb4", sql, StringComparison.Ordinal);
        Assert.Contains("日本語の投稿", sql, StringComparison.Ordinal);
        Assert.Contains("これはテストです。", sql, StringComparison.Ordinal);
        Assert.Contains("Élodie Éditrice", sql, StringComparison.Ordinal);
        Assert.Contains("Zweiter Beitrag: Grüße aus Köln", sql, StringComparison.Ordinal);
        Assert.Contains($"CREATE TABLE `{Site.TablePrefix}options`", sql, StringComparison.Ordinal);
        Assert.Contains(Site.SiteUrl, sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dumping_over_the_unix_socket_named_in_db_host_works()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var config = WordPressConfigReader.Parse(
            (await File.ReadAllTextAsync(Site.ConfigPath, ct)).Replace(Site.DatabaseHost, $"localhost:{wordPress.Database.SocketPath}", StringComparison.Ordinal));
        using var output = new MemoryStream();

        var result = await new DatabaseDumper(WorkDirectory).DumpAsync(config.ToConnectionSettings(), output, ct);

        Assert.Equal(new DatabaseEndpoint("localhost", null, wordPress.Database.SocketPath), config.Endpoint);
        Assert.Equal(output.Length, result.Bytes);
        Assert.Contains("日本語の投稿", Encoding.UTF8.GetString(output.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message_naming_user_and_host_but_not_the_password()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var wrongPassword = "Wrong-" + RandomNumberGenerator.GetHexString(12);
        var settings = SiteSettings() with { Password = wrongPassword };

        var error = await Assert.ThrowsAsync<DatabaseDumpException>(() => new DatabaseDumper(WorkDirectory).DumpAsync(settings, Stream.Null, timeout.Token));

        Assert.Equal(DatabaseFailure.AccessDenied, error.Failure);
        Assert.Contains($"user '{Site.DatabaseUser}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Site.DatabaseHost, error.Message, StringComparison.Ordinal);
        Assert.Contains("DB_PASSWORD", error.Message, StringComparison.Ordinal);
        Assert.Contains("`db` override", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, error.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkDirectory));
    }

    [Fact]
    public async Task A_database_the_user_may_not_use_is_reported_with_db_name_to_check()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var settings = SiteSettings() with { Database = "not_this_sites_db" };

        var error = await Assert.ThrowsAsync<DatabaseDumpException>(() => new DatabaseDumper(WorkDirectory).DumpAsync(settings, Stream.Null, timeout.Token));

        Assert.Equal(DatabaseFailure.DatabaseAccessDenied, error.Failure);
        Assert.Contains("'not_this_sites_db'", error.Message, StringComparison.Ordinal);
        Assert.Contains("DB_NAME", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_reported_with_db_host_to_check()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var port = FreePort.Next();
        var settings = SiteSettings() with { Endpoint = new DatabaseEndpoint(MariaDbServer.Host, port, null) };

        var error = await Assert.ThrowsAsync<DatabaseDumpException>(() => new DatabaseDumper(WorkDirectory).DumpAsync(settings, Stream.Null, timeout.Token));

        Assert.Equal(DatabaseFailure.CannotConnect, error.Failure);
        Assert.Contains($"{MariaDbServer.Host}:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("DB_HOST", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_password_is_in_neither_the_command_line_nor_the_environment_of_the_dump_program()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var settings = SiteSettings();
        var seen = new List<ProcessSnapshot>();
        var dumpStarted = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        string[]? optionFiles = null;
        var dumper = new DatabaseDumper(WorkDirectory)
        {
            ProcessStarted = processId =>
            {
                var snapshot = ProcessSnapshot.TryRead(processId);
                if (snapshot is null)
                {
                    return;
                }

                lock (seen)
                {
                    seen.Add(snapshot);
                }

                if (snapshot.CommandLine.Contains("--single-transaction"))
                {
                    optionFiles = [.. Directory.EnumerateFiles(WorkDirectory, "*", SearchOption.AllDirectories)];
                    dumpStarted.TrySetResult(processId);
                }
            },
        };

        // With the posts table locked the dump waits, so it is surely still running when /proc is read.
        await using var root = await wordPress.Database.OpenRootConnectionAsync(ct);
        await ExecuteAsync(root, $"LOCK TABLES `{Site.DatabaseName}`.`{Site.TablePrefix}posts` WRITE", ct);
        var dump = dumper.DumpAsync(settings, Stream.Null, ct);
        var processId = await dumpStarted.Task.WaitAsync(ct);
        var whileBlocked = ProcessSnapshot.TryRead(processId);
        await ExecuteAsync(root, "UNLOCK TABLES", ct);
        var result = await dump;

        Assert.NotNull(whileBlocked);
        lock (seen)
        {
            Assert.All(seen.Append(whileBlocked), snapshot =>
            {
                Assert.False(snapshot.Mentions(settings.Password), $"The password is visible in /proc/{snapshot.ProcessId}.");
                Assert.StartsWith("--defaults-extra-file=", snapshot.CommandLine[1], StringComparison.Ordinal);
                Assert.DoesNotContain(snapshot.Environment, entry => entry.StartsWith("MYSQL_PWD=", StringComparison.Ordinal));
                Assert.Contains(snapshot.Environment, entry => entry.StartsWith($"HOME={WorkDirectory}/", StringComparison.Ordinal));
            });
        }

        Assert.Single(optionFiles!);
        Assert.True(result.Bytes > 0);
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkDirectory));
    }

    [Fact]
    public async Task The_option_file_is_readable_by_its_owner_only_and_holds_nothing_but_the_password()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var settings = SiteSettings();
        string? content = null;
        UnixFileMode? fileMode = null;
        UnixFileMode? directoryMode = null;
        var dumper = new DatabaseDumper(WorkDirectory)
        {
            ProcessStarted = _ =>
            {
                if (content is not null)
                {
                    return;
                }

                // The first process is the trial run; the file is there for it.
                var file = Assert.Single(Directory.EnumerateFiles(WorkDirectory, "*", SearchOption.AllDirectories));
                content = File.ReadAllText(file);
                fileMode = File.GetUnixFileMode(file);
                directoryMode = File.GetUnixFileMode(Path.GetDirectoryName(file)!);
            },
        };

        await dumper.DumpAsync(settings, Stream.Null, ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, fileMode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, directoryMode);
        Assert.Equal($"[client]\npassword=\"{settings.Password}\"\n", content);
        Assert.Empty(Directory.EnumerateFileSystemEntries(WorkDirectory));
    }

    [Fact]
    public async Task Cancelling_a_dump_kills_the_dump_program_and_removes_the_option_file()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var dumpStarted = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var dumper = new DatabaseDumper(WorkDirectory)
        {
            ProcessStarted = processId =>
            {
                if (ProcessSnapshot.TryRead(processId)?.CommandLine.Contains("--single-transaction") == true)
                {
                    dumpStarted.TrySetResult(processId);
                }
            },
        };

        await using var root = await wordPress.Database.OpenRootConnectionAsync(ct);
        await ExecuteAsync(root, $"LOCK TABLES `{Site.DatabaseName}`.`{Site.TablePrefix}posts` WRITE", ct);
        try
        {
            var dump = dumper.DumpAsync(SiteSettings(), Stream.Null, cancel.Token);
            var processId = await dumpStarted.Task.WaitAsync(ct);
            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dump);
            Assert.Null(ProcessSnapshot.TryRead(processId));
            Assert.Empty(Directory.EnumerateFileSystemEntries(WorkDirectory));
        }
        finally
        {
            await ExecuteAsync(root, "UNLOCK TABLES", ct);
        }
    }

    private DatabaseConnectionSettings SiteSettings() =>
        new(DatabaseEndpoint.Parse(Site.DatabaseHost), Site.DatabaseName, Site.DatabaseUser, Site.DatabasePassword, "utf8mb4");

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
