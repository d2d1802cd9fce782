using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Contracts.Nodes;
using Backupd.Secrets;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Master;

/// <summary>Key rotation on a real master process: old secrets stay readable under a new key ring, and rotation moves them to the new key.</summary>
public sealed class SecretRotationTests
{
    [Fact]
    public async Task Secrets_written_under_the_old_key_are_re_encrypted_by_rotate_and_read_with_the_new_key_alone()
    {
        var oldKey = FernetKey.Generate().Export();
        var newKey = FernetKey.Generate().Export();
        const string dbPassword = "rotate-me-db-password-55";
        await using var master = new MasterProcess(extraEnvironment: new Dictionary<string, string> { ["BACKUPD_SECRET_KEY"] = oldKey });
        await master.StartAsync();
        var api = new MasterApi(master.Http, await master.IssueTokenAsync());
        var node = await NodeEnrolment.EnrolAsync(api);
        using (var provider = await api.SendAsync(HttpMethod.Post, "/api/v1/providers", new { name = "local", type = "local", path = "/var/backups/x" }))
        using (var job = await api.SendAsync(HttpMethod.Post, "/api/v1/jobs", new
        {
            nodeId = node.NodeId, module = "wordpress", config = new { path = "/srv/www/a", db = new { password = dbPassword } },
            providerId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString(),
        }))
        {
            Assert.Equal(HttpStatusCode.Created, job.StatusCode);
        }

        Assert.False(File.Exists(Path.Combine(master.DataDir, "secret.key")));
        await RestartAsync(master, $"{newKey},{oldKey}");
        var token = await master.IssueTokenAsync();

        var first = await BackupdProcess.RunAsync(["secrets", "rotate", "--master-url", master.BaseUrl.ToString(), "--token", token], new Dictionary<string, string>());
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("0 provider(s) and 1 job(s)", first.Output, StringComparison.Ordinal);
        var second = await BackupdProcess.RunAsync(["secrets", "rotate", "--master-url", master.BaseUrl.ToString(), "--token", token], new Dictionary<string, string>());
        Assert.Contains("0 provider(s) and 0 job(s)", second.Output, StringComparison.Ordinal);

        // With the old key gone, the job's password still reaches its node.
        await RestartAsync(master, newKey);
        using var nodeApi = node.Connect();
        var assignment = await nodeApi.TakeJobAsync(CancellationToken.None);
        Assert.Contains(dbPassword, assignment!.ConfigJson, StringComparison.Ordinal);
        SecretScan.AssertNotInFiles(master.DataDir, dbPassword);
        Assert.DoesNotContain(newKey, master.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_without_a_token_says_how_to_get_one()
    {
        var (exitCode, output) = await BackupdProcess.RunAsync(["secrets", "rotate"], new Dictionary<string, string>());

        Assert.Equal(2, exitCode);
        Assert.Contains("--token", output, StringComparison.Ordinal);
        Assert.Contains("BACKUPD_TOKEN", output, StringComparison.Ordinal);
    }

    private static async Task RestartAsync(MasterProcess master, string keys)
    {
        Assert.Equal(0, await master.StopAsync());
        master.SetEnvironment("BACKUPD_SECRET_KEY", keys);
        await master.StartAsync();
    }
}
