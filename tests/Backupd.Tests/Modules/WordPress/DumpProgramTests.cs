using Backupd.Modules.WordPress;

namespace Backupd.Tests.Modules.WordPress;

public sealed class DumpProgramTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("backupd-dump-program-");

    private static DatabaseConnectionSettings Settings => new(new DatabaseEndpoint("127.0.0.1", 9, null), "db", "user", "Secret-Password-1", "utf8mb4");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task A_configured_dump_program_that_does_not_exist_is_reported_by_its_path()
    {
        var missing = Path.Combine(_work.FullName, "no-such-dir", "mysqldump");
        var dumper = new DatabaseDumper(Path.Combine(_work.FullName, "work"), missing);

        var error = await Assert.ThrowsAsync<DatabaseDumpException>(() => dumper.DumpAsync(Settings, Stream.Null, CancellationToken.None));

        Assert.Equal(DatabaseFailure.ProgramMissing, error.Failure);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install mariadb-client", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_dump_program_on_path_says_to_install_mariadb_client()
    {
        var emptyDirectory = Directory.CreateDirectory(Path.Combine(_work.FullName, "empty-bin")).FullName;
        var dumper = new DatabaseDumper(Path.Combine(_work.FullName, "work"), programPath: null, searchPath: emptyDirectory, timeProvider: null);

        var error = await Assert.ThrowsAsync<DatabaseDumpException>(() => dumper.DumpAsync(Settings, Stream.Null, CancellationToken.None));

        Assert.Equal(DatabaseFailure.ProgramMissing, error.Failure);
        Assert.StartsWith("mysqldump was not found on PATH", error.Message, StringComparison.Ordinal);
        Assert.Contains("install mariadb-client (apt-get install mariadb-client)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mariadb_dump_is_used_when_mysqldump_is_absent()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_work.FullName, "bin")).FullName;
        var fake = Path.Combine(bin, "mariadb-dump");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\necho 'mariadb-dump: Got error: 2002: \"fake\" when trying to connect' >&2\nexit 2\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var dumper = new DatabaseDumper(Path.Combine(_work.FullName, "work"), programPath: null, searchPath: bin, timeProvider: null);

        var error = await Assert.ThrowsAsync<DatabaseDumpException>(() => dumper.DumpAsync(Settings, Stream.Null, CancellationToken.None));

        Assert.Equal(DatabaseFailure.CannotConnect, error.Failure);
        Assert.Contains("fake", error.Message, StringComparison.Ordinal);
    }
}
