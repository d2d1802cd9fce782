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
}
