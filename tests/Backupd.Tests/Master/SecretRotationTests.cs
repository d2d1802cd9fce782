using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Secrets;
using Backupd.TestBed;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Master;

/// <summary>
/// Key rotation on a real master process, as docs/storage.md tells an admin to do it, with a
/// secret of every kind: a provider's credentials, a schedule's and a pending job's database
/// password. Left out of the rotation, a secret is named at start and fails clearly, never with a 500.
/// </summary>
public sealed class SecretRotationTests(S3rverServer s3) : IClassFixture<S3rverServer>
{
    private const string DbPassword = "rotate-me-db-password-55";
    private const string ScheduleDbPassword = "rotate-me-schedule-password-77";

    [Fact]
    public async Task After_rotate_every_kind_of_secret_works_with_the_new_key_alone_and_without_rotate_each_is_named_and_fails_clearly()
    {
        var oldKey = FernetKey.Generate().Export();
        var newKey = FernetKey.Generate().Export();
        await using var master = new MasterProcess(extraEnvironment: new Dictionary<string, string> { ["BACKUPD_SECRET_KEY"] = oldKey });
        await master.StartAsync();
        var api = new MasterApi(master.Http, await master.IssueTokenAsync());
        var node = await NodeEnrolment.EnrolAsync(api);
        var provider = await CreateAsync(api, "/api/v1/providers", new
        {
            name = "s3rver", type = "s3", endpoint = s3.ServiceUrl, region = S3rverServer.Region, bucket = s3.BucketName, prefix = "rotation",
            forcePathStyle = true, accessKeyId = S3rverServer.AccessKey, secretAccessKey = S3rverServer.SecretKey,
        });
        await CreateAsync(api, "/api/v1/jobs", new { nodeId = node.NodeId, module = "wordpress", config = new { path = "/srv/www/a", db = new { password = DbPassword } }, providerId = provider });
        // Another node's job, to be taken while its password cannot be opened.
        var unlucky = await NodeEnrolment.EnrolAsync(api);
        var lostJob = await CreateAsync(api, "/api/v1/jobs", new { nodeId = unlucky.NodeId, module = "wordpress", config = new { path = "/srv/www/c", db = new { password = "lost-password" } }, providerId = provider });
        var schedule = await CreateAsync(api, "/api/v1/schedules", new
        {
            name = "nightly", cron = "0 3 * * *", enabled = false, nodeId = node.NodeId, module = "wordpress",
            config = new { path = "/srv/www/b", db = new { password = ScheduleDbPassword } }, providerId = provider,
        });
        Assert.False(File.Exists(Path.Combine(master.DataDir, "secret.key")));

        // The mistake: the old key dropped without a rotation. Each holder is named at start, and fails with a reason.
        await RestartAsync(master, newKey);
        api = new MasterApi(master.Http, await master.IssueTokenAsync());
        await master.Process.WaitForOutputAsync($"The schedule {schedule} holds 1 secret", TimeSpan.FromSeconds(30));
        Assert.Contains($"The provider {provider} holds 2 secret(s) that no key in BACKUPD_SECRET_KEY", master.Output, StringComparison.Ordinal);
        var status = await api.GetJsonAsync("/api/v1/secrets");
        Assert.Equal(["job", "job", "provider", "schedule"], status.GetProperty("unreadable").EnumerateArray().Select(item => item.GetProperty("kind").GetString()).Order());
        using (var test = await api.SendAsync(HttpMethod.Post, $"/api/v1/providers/{provider}/test"))
        {
            var probe = await test.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("credentials", probe.GetProperty("failedStep").GetString());
            Assert.Contains("cannot be opened with any key in BACKUPD_SECRET_KEY", probe.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        using (var unluckyApi = unlucky.Connect())
        {
            Assert.Null(await unluckyApi.TakeJobAsync(CancellationToken.None));
        }

        var failed = await api.GetJsonAsync($"/api/v1/jobs/{lostJob}");
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("cannot be opened with any key in BACKUPD_SECRET_KEY", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        using (var refused = await api.SendAsync(HttpMethod.Post, $"/api/v1/schedules/{schedule}/run"))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("no key in BACKUPD_SECRET_KEY opens", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var details = await api.GetJsonAsync($"/api/v1/schedules/{schedule}");
        Assert.StartsWith("Not run at ", details.GetProperty("lastResult").GetString(), StringComparison.Ordinal);
        Assert.Contains(details.GetProperty("history").EnumerateArray(), e => e.GetProperty("kind").GetString() == "notRun");
        var unfinished = await RotateAsync(master);
        Assert.Equal(1, unfinished.ExitCode);
        Assert.Contains($"schedule {schedule}: 1 secret(s)", unfinished.Output, StringComparison.Ordinal);

        // The way docs/storage.md says: both keys, the new one first; rotate; then the new one alone.
        await RestartAsync(master, $"{newKey},{oldKey}");
        var first = await RotateAsync(master);
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("Re-encrypted the secrets of 1 provider(s), 1 schedule(s) and 1 job(s) with the first key.", first.Output, StringComparison.Ordinal);
        var second = await RotateAsync(master);
        Assert.Contains("Re-encrypted the secrets of 0 provider(s), 0 schedule(s) and 0 job(s)", second.Output, StringComparison.Ordinal);

        await RestartAsync(master, newKey);
        api = new MasterApi(master.Http, await master.IssueTokenAsync());
        await master.Process.WaitForOutputAsync("The stored secrets of 3 provider\\(s\\), schedule\\(s\\) and job\\(s\\) open with the configured keys", TimeSpan.FromSeconds(30));
        Assert.Empty((await api.GetJsonAsync("/api/v1/secrets")).GetProperty("unreadable").EnumerateArray());
        using (var test = await api.SendAsync(HttpMethod.Post, $"/api/v1/providers/{provider}/test"))
        {
            var probe = await test.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(probe.GetProperty("ok").GetBoolean(), probe.ToString());
        }

        using var nodeApi = node.Connect();
        var pending = await nodeApi.TakeJobAsync(CancellationToken.None);
        Assert.Contains(DbPassword, pending!.ConfigJson, StringComparison.Ordinal);
        using (var run = await api.SendAsync(HttpMethod.Post, $"/api/v1/schedules/{schedule}/run"))
        {
            Assert.Equal(HttpStatusCode.Created, run.StatusCode);
        }

        var scheduled = await nodeApi.TakeJobAsync(CancellationToken.None);
        Assert.Contains(ScheduleDbPassword, scheduled!.ConfigJson, StringComparison.Ordinal);
        SecretScan.AssertNotInFiles(master.DataDir, DbPassword);
        SecretScan.AssertNotInFiles(master.DataDir, ScheduleDbPassword);
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

    private static async Task<(int ExitCode, string Output)> RotateAsync(MasterProcess master) =>
        await BackupdProcess.RunAsync(["secrets", "rotate", "--master-url", master.BaseUrl.ToString(), "--token", await master.IssueTokenAsync()], new Dictionary<string, string>());

    private static async Task<string> CreateAsync(MasterApi api, string path, object body)
    {
        using var response = await api.SendAsync(HttpMethod.Post, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task RestartAsync(MasterProcess master, string keys)
    {
        Assert.Equal(0, await master.StopAsync());
        master.SetEnvironment("BACKUPD_SECRET_KEY", keys);
        await master.StartAsync();
    }
}
