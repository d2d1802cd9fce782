using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Tests.Processes;
using Microsoft.Data.Sqlite;

namespace Backupd.Tests.Master.Persistence;

/// <summary>
/// The index tables against a real master process: rows a crash left behind, rows of entities
/// that are gone and a lost index are all made right from the grains' own state.
/// </summary>
public sealed class IndexTablesTests
{
    [Fact]
    public async Task Index_rows_missing_stale_or_without_a_job_are_made_right_from_the_jobs_state_at_the_next_start()
    {
        await using var master = new MasterProcess();
        await master.StartAsync();
        var api = new MasterApi(master.Http, await master.IssueTokenAsync());
        var (node, jobs) = await CreateJobsAsync(api);
        using (var schedule = await api.SendAsync(HttpMethod.Post, "/api/v1/schedules", new
        {
            name = "nightly", cron = "0 3 * * *", timeZone = "Europe/Berlin", enabled = false, nodeId = node, module = "wordpress",
            config = new { path = "/srv/www/site-0" }, providerId = (await api.GetJsonAsync("/api/v1/providers"))[0].GetProperty("id").GetString(),
        }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, schedule.StatusCode);
        }

        using (var cancel = await api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{jobs[1]}/cancel"))
        {
            cancel.EnsureSuccessStatusCode();
        }

        var before = await ListAsync(api, node);
        var catalogBefore = await CatalogAsync(api);
        var schedulesBefore = (await api.GetJsonAsync("/api/v1/schedules")).GetRawText();
        Assert.Contains("\"name\":\"nightly\"", schedulesBefore, StringComparison.Ordinal);
        Assert.Equal(0, await master.StopAsync());

        // What a kill -9 between a state write and its row's write leaves, and worse.
        await ExecuteAsync(master, $"""
            DELETE FROM BackupdJobs WHERE Id = '{jobs[0]}';
            UPDATE BackupdJobs SET State = 0, EndedAt = NULL, StateVersion = StateVersion - 1 WHERE Id = '{jobs[1]}';
            INSERT INTO BackupdJobs (Id, NodeId, Module, ProviderId, Priority, State, CreatedAt, StateVersion)
            VALUES ('{new string('f', 32)}', '{node}', 'wordpress', 'p', 5, 0, 0, 1);
            DELETE FROM BackupdNodes;
            UPDATE BackupdProviders SET Name = 'stale', StateVersion = StateVersion - 1;
            DELETE FROM BackupdSchedules;
            """);

        await master.StartAsync();
        await master.Process.WaitForOutputAsync("Re-indexed 3 jobs", TimeSpan.FromSeconds(30));
        await master.Process.WaitForOutputAsync("Re-indexed 1 schedules", TimeSpan.FromSeconds(30));
        // What reads the indexes at start waits for them: the secrets check sees the provider, the
        // schedule whose row was gone and the two jobs still pending (not the cancelled one a stale row showed as pending).
        await master.Process.WaitForOutputAsync("The stored secrets of 4 provider\\(s\\), schedule\\(s\\) and job\\(s\\) open", TimeSpan.FromSeconds(30));
        api = new MasterApi(master.Http, await master.IssueTokenAsync());
        Assert.Equal(before, await ListAsync(api, node));
        Assert.Contains("\"state\":\"cancelled\"", before, StringComparison.Ordinal);
        Assert.Equal(catalogBefore, await CatalogAsync(api));
        Assert.Equal(schedulesBefore, (await api.GetJsonAsync("/api/v1/schedules")).GetRawText());
    }

    [Fact]
    public async Task Backupd_index_rebuild_rewrites_a_lost_index_from_the_jobs_state()
    {
        await using var master = new MasterProcess();
        await master.StartAsync();
        var token = await master.IssueTokenAsync();
        var api = new MasterApi(master.Http, token);
        var (node, _) = await CreateJobsAsync(api);
        var before = await ListAsync(api, node);
        var catalogBefore = await CatalogAsync(api);

        await ExecuteAsync(master, "DELETE FROM BackupdJobs; DELETE FROM BackupdNodes; DELETE FROM BackupdProviders;");
        Assert.Equal(0, (await api.GetJsonAsync($"/api/v1/jobs?nodeId={node}")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await api.GetJsonAsync("/api/v1/nodes")).GetArrayLength());

        var (exitCode, output) = await BackupdProcess.RunAsync(
            ["index", "rebuild", "--master-url", master.BaseUrl.ToString(), "--token", token], new Dictionary<string, string>());

        Assert.True(exitCode == 0, output);
        Assert.Contains("Re-indexed from their stored state: 3 job(s), 1 node(s), 1 provider(s), 0 schedule(s).", output, StringComparison.Ordinal);
        Assert.Equal(before, await ListAsync(api, node));
        Assert.Equal(catalogBefore, await CatalogAsync(api));
    }

    private static async Task<(string Node, List<string> Jobs)> CreateJobsAsync(MasterApi api)
    {
        var node = await NodeEnrolment.EnrolAsync(api);
        var provider = await api.CreateUnreachableS3ProviderAsync("indexed", "unused-secret");
        var jobs = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            jobs.Add(await api.CreateJobAsync(node.NodeId, provider, new { path = $"/srv/www/site-{i}" }));
        }

        return (node.NodeId, jobs);
    }

    // The list as the API shows it: every field of every job, in order.
    private static async Task<string> ListAsync(MasterApi api, string node)
    {
        var page = await api.GetJsonAsync($"/api/v1/jobs?nodeId={node}");
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        return page.GetProperty("items").GetRawText();
    }

    // The node and provider lists as the API shows them.
    private static async Task<string> CatalogAsync(MasterApi api)
    {
        var nodes = await api.GetJsonAsync("/api/v1/nodes");
        var providers = await api.GetJsonAsync("/api/v1/providers");
        Assert.Equal(1, nodes.GetArrayLength());
        Assert.Equal(1, providers.GetArrayLength());
        // Online and last seen follow the clock and the node's heartbeats, not the index.
        return WithoutPresence(nodes) + providers.GetRawText();
    }

    private static string WithoutPresence(JsonElement nodes) =>
        string.Join(",", nodes.EnumerateArray().Select(n => string.Join(",", n.EnumerateObject()
            .Where(p => p.Name is not ("online" or "lastSeenAt")).Select(p => $"{p.Name}={p.Value.GetRawText()}"))));

    private static async Task ExecuteAsync(MasterProcess master, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(master.DataDir, "backupd.db")};Pooling=false;Default Timeout=30");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
