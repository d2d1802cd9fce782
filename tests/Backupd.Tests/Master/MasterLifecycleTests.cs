using System.Net;
using System.Net.Http.Headers;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Master;

/// <summary>Each test owns a master process, because each stops and starts it.</summary>
public sealed class MasterLifecycleTests
{
    [Fact]
    public async Task Sigterm_stops_the_master_cleanly_and_state_survives_the_restart()
    {
        await using var master = new MasterProcess();
        await master.StartAsync();
        var token = await master.IssueTokenAsync();

        Assert.Equal(0, await master.StopAsync());
        await master.StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/system");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await master.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await master.StopAsync());
    }

    [Fact]
    public async Task Generated_admin_password_is_logged_once_written_0600_and_kept_across_restarts()
    {
        await using var master = new MasterProcess(adminPassword: null);
        await master.StartAsync();

        var file = Path.Combine(master.DataDir, "initial-admin-password");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var password = (await File.ReadAllTextAsync(file)).Trim();
        Assert.True(password.Length >= 20);
        Assert.Single(master.Output.Split(password).Skip(1));
        await master.IssueTokenAsync(password);

        await master.StopAsync();
        await master.StartAsync();
        Assert.DoesNotContain(password, master.Output);
        Assert.Equal(password, (await File.ReadAllTextAsync(file)).Trim());
        await master.IssueTokenAsync(password);
    }

    [Fact]
    public async Task Changing_BACKUPD_ADMIN_PASSWORD_after_first_start_does_not_change_the_password()
    {
        await using var master = new MasterProcess();
        await master.StartAsync();
        await master.StopAsync();

        master.SetEnvironment("BACKUPD_ADMIN_PASSWORD", "another-password-9876");
        await master.StartAsync();
        await master.IssueTokenAsync(MasterProcess.AdminPassword);
        await Assert.ThrowsAsync<HttpRequestException>(() => master.IssueTokenAsync("another-password-9876"));
    }

    [Fact]
    public async Task A_data_dir_others_can_read_is_made_the_owners_alone_at_start_with_a_warning()
    {
        await using var master = new MasterProcess();
        await master.StartAsync();
        Assert.Equal(0, await master.StopAsync());
        var database = Path.Combine(master.DataDir, "backupd.db");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(database));
        // As a restore or a hand-made directory might leave them.
        const UnixFileMode everyoneReads = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(master.DataDir, everyoneReads | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(database, everyoneReads);
        File.SetUnixFileMode(Path.Combine(master.DataDir, "node-ca.key"), everyoneReads);

        await master.StartAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(master.DataDir));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(database));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(master.DataDir, "node-ca.key")));
        Assert.Contains($"{database} was readable by others (mode 0644); set it to 0600", master.Output, StringComparison.Ordinal);
        Assert.Contains($"{master.DataDir} was readable by others (mode 0755); set it to 0700", master.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_dir_that_cannot_be_created_stops_start_up_naming_BACKUPD_DATA_DIR()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (exitCode, output) = await BackupdProcess.RunAsync(["--mode", "master"], new Dictionary<string, string>
            {
                ["BACKUPD_DATA_DIR"] = Path.Combine(file, "sub"),
                ["BACKUPD_URLS"] = "http://127.0.0.1:1",
            });
            Assert.Equal(78, exitCode);
            Assert.Contains("BACKUPD_DATA_DIR", output);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
