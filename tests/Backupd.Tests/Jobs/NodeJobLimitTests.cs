using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Jobs;

/// <summary>
/// <c>BACKUPD_MAX_JOBS</c> (4 by default) against a burst: a node that comes back to a queue of
/// jobs takes them all in one sweep of its loop, and must still run no more than its limit at once.
/// </summary>
[Collection(JobsEndToEndCollection.Name)]
public sealed class NodeJobLimitTests(JobsEndToEndFixture fixture)
{
    private const int DefaultMaxJobs = 4;

    [Fact]
    public async Task A_node_that_finds_more_jobs_queued_than_its_limit_runs_no_more_than_the_limit_at_once()
    {
        var site = await fixture.WordPress.CreateSiteAsync();
        // Queued while the node is away, so that it finds them all at once when it connects.
        await fixture.Node.KillAsync();
        var jobs = new List<string>();
        for (var i = 0; i < DefaultMaxJobs + 2; i++)
        {
            jobs.Add(await fixture.CreateJobAsync(new { path = site.RootPath }));
        }

        fixture.Node.Start();
        var mostAtOnce = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var running = (await fixture.Api.GetJsonAsync($"/api/v1/jobs?state=running&nodeId={fixture.NodeId}&limit=1")).GetProperty("total").GetInt32();
            mostAtOnce = Math.Max(mostAtOnce, running);
            var finished = 0;
            foreach (var id in jobs)
            {
                finished += JobsEndToEndFixture.IsFinished(await fixture.GetJobAsync(id)) ? 1 : 0;
            }

            if (finished == jobs.Count)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{finished} of {jobs.Count} jobs finished in 3 minutes\nnode output:\n{fixture.Node.Process.Output}");
            await Task.Delay(100);
        }

        Assert.Equal(DefaultMaxJobs, mostAtOnce);
        foreach (var id in jobs)
        {
            Assert.Equal("completed", (await fixture.GetJobAsync(id)).GetProperty("state").GetString());
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_burst_of_20_jobs_never_runs_more_than_the_limit_at_once_counted_by_the_node_itself(int maxJobs)
    {
        var site = await fixture.WordPress.CreateSiteAsync();
        await using var node = new NodeProcess(fixture.Master.BaseUrl, new Dictionary<string, string> { ["BACKUPD_MAX_JOBS"] = maxJobs.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var nodeId = await JobsEndToEndFixture.EnrolAsync(node, fixture.Api);

        var jobs = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            using var create = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/jobs", new { nodeId, module = "wordpress", config = new { path = site.RootPath }, providerId = fixture.ProviderId });
            jobs.Add((await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }

        foreach (var id in jobs)
        {
            await node.Process.WaitForOutputAsync($"Job {id} ended", TimeSpan.FromMinutes(3));
        }

        // The node's own account, in the order it logged them: each run's start and end.
        var running = 0;
        var mostAtOnce = 0;
        foreach (System.Text.RegularExpressions.Match line in System.Text.RegularExpressions.Regex.Matches(node.Process.Output, @"Job (?<id>[0-9a-f]{32})(?<what>: running module| ended)"))
        {
            running += line.Groups["what"].Value == " ended" ? -1 : 1;
            mostAtOnce = Math.Max(mostAtOnce, running);
        }

        Assert.Equal(0, running);
        Assert.Equal(maxJobs, mostAtOnce);
        foreach (var id in jobs)
        {
            Assert.Equal("completed", (await fixture.GetJobAsync(id)).GetProperty("state").GetString());
        }
    }
}
