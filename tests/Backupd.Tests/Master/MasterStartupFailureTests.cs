using System.Net;
using System.Net.Sockets;
using Backupd.Tests.Processes;
using Microsoft.Data.Sqlite;

namespace Backupd.Tests.Master;

/// <summary>
/// A master that cannot start says why in one line and exits 1, without touching what it found:
/// what an admin sees in <c>journalctl</c> after <c>systemctl start</c> failed.
/// </summary>
public sealed class MasterStartupFailureTests
{
    [Fact]
    public async Task A_taken_http_port_stops_start_up_naming_the_address_and_BACKUPD_URLS()
    {
        await using var master = new MasterProcess();
        using var squatter = Listen(master.BaseUrl.Port);

        var (exitCode, output) = await master.RunUntilExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains(
            $"backupd: Cannot listen on http://127.0.0.1:{master.BaseUrl.Port}: the address is already in use. Stop the other process or set BACKUPD_URLS to a free address.",
            output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(master.DataDir));
    }

    [Fact]
    public async Task A_taken_node_api_port_stops_start_up_naming_the_address_and_BACKUPD_NODE_URLS()
    {
        await using var master = new MasterProcess();
        using var squatter = Listen(master.NodeApiUrl.Port);

        var (exitCode, output) = await master.RunUntilExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains(
            $"backupd: Cannot listen on https://127.0.0.1:{master.NodeApiUrl.Port}: the address is already in use. Stop the other process or set BACKUPD_NODE_URLS to a free address.",
            output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(master.DataDir));
    }

    [Fact]
    public async Task A_taken_silo_port_stops_start_up_naming_the_port_and_its_setting()
    {
        await using var master = new MasterProcess();
        using var squatter = Listen(master.SiloPort);

        var (exitCode, output) = await master.RunUntilExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains(
            $"backupd: Cannot listen on 127.0.0.1:{master.SiloPort} (BACKUPD_SILO_PORT): the port is already in use, perhaps by another master. Stop the other process or set BACKUPD_SILO_PORT to a free port.",
            output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(master.DataDir));
    }

    [Fact]
    public async Task A_node_api_address_that_is_not_this_machines_stops_start_up_naming_the_setting()
    {
        // 192.0.2.0/24 is reserved for documentation: no machine has it.
        var port = Backupd.TestBed.FreePort.Next();
        await using var master = new MasterProcess(extraEnvironment: new Dictionary<string, string> { ["BACKUPD_NODE_URLS"] = $"https://192.0.2.10:{port}" });

        var (exitCode, output) = await master.RunUntilExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains($"backupd: Cannot listen on https://192.0.2.10:{port} (BACKUPD_NODE_URLS): ", output, StringComparison.Ordinal);
        Assert.Contains("Set BACKUPD_NODE_URLS to an address of this machine and a port this user may open.", output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(master.DataDir));
    }

    [Fact]
    public async Task A_data_dir_the_master_cannot_write_stops_start_up_saying_so_and_leaves_it_as_it_was()
    {
        await using var master = new MasterProcess();
        File.SetUnixFileMode(master.DataDir, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        // Root writes through any mode bits; without CAP_DAC_OVERRIDE it is held to them like anyone.
        IReadOnlyList<string>? launcher = Environment.IsPrivilegedProcess
            ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]
            : null;

        try
        {
            var (exitCode, output) = await master.RunUntilExitAsync(launcher);

            Assert.Equal(1, exitCode);
            Assert.Contains($"backupd: Cannot write a new secret key file '{Path.Combine(master.DataDir, "secret.key")}': ", output, StringComparison.Ordinal);
            Assert.Contains("is denied. The data dir must be writable by the user that runs the master, or set BACKUPD_SECRET_KEY.", output, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(master.DataDir));
        }
        finally
        {
            File.SetUnixFileMode(master.DataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task A_database_from_a_newer_backupd_is_refused_and_left_as_it_was()
    {
        await using var master = new MasterProcess();
        await master.StartAsync();
        await master.IssueTokenAsync();
        Assert.Equal(0, await master.StopAsync());
        var database = Path.Combine(master.DataDir, "backupd.db");
        int newer;
        await using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO BackupdSchemaVersion (Version, Name, Sha256, AppliedAt)
                SELECT MAX(Version) + 1, 'from-the-future.sql', 'unknown', '2027-01-01T00:00:00Z' FROM BackupdSchemaVersion
                RETURNING Version;
                """;
            newer = Convert.ToInt32(await insert.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        var before = await File.ReadAllBytesAsync(database);

        var (exitCode, output) = await master.RunUntilExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains(
            $"backupd: The database '{database}' has schema version {newer}, but this backupd knows only up to version {newer - 1}. "
            + "Run the newer backupd that wrote it, or restore a backup of the data dir made with this version.",
            output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(database));
    }

    private static TcpListener Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return listener;
    }
}
