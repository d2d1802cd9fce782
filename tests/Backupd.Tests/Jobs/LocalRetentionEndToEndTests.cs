using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Backupd.Tests.Jobs;

/// <summary>Retention on a local folder: the master plans it, the node that holds the folder deletes.</summary>
[Collection(JobsEndToEndCollection.Name)]
public sealed class LocalRetentionEndToEndTests(JobsEndToEndFixture fixture)
{
    [Fact]
    public async Task A_schedules_retention_deletes_its_older_bundle_from_the_nodes_folder()
    {
        var scheduleId = await CreateScheduleAsync("retention e2e");

        var first = await RunAsync(scheduleId);
        var second = await RunAsync(scheduleId);
        var firstBundle = Path.Combine(fixture.StorageDir, first.GetProperty("result").GetProperty("objectKey").GetString()!);
        var secondBundle = Path.Combine(fixture.StorageDir, second.GetProperty("result").GetProperty("objectKey").GetString()!);

        var pruned = await fixture.WaitForJobAsync(first.GetProperty("id").GetString()!, job => job.TryGetProperty("prunedAt", out var at) && at.ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(60));

        Assert.False(File.Exists(firstBundle), $"{firstBundle} is still there: {pruned}");
        Assert.True(File.Exists(secondBundle));
        var prune = (await fixture.Api.GetJsonAsync($"/api/v1/jobs?scheduleId={scheduleId}&module=prune")).GetProperty("items")[0];
        Assert.Equal("completed", prune.GetProperty("state").GetString());
        var history = (await fixture.Api.GetJsonAsync($"/api/v1/schedules/{scheduleId}")).GetProperty("history").EnumerateArray();
        Assert.Contains(history, e => e.GetProperty("kind").GetString() == "pruned" && e.GetProperty("message").GetString()!.Contains("deleted 1 bundle", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_prune_that_fails_on_the_node_is_recorded_and_every_backup_stands()
    {
        var scheduleId = await CreateScheduleAsync("retention failure e2e");
        var first = await RunAsync(scheduleId);
        // Something the node cannot delete as a file now stands where the first bundle was.
        var firstBundle = Path.Combine(fixture.StorageDir, first.GetProperty("result").GetProperty("objectKey").GetString()!);
        File.Delete(firstBundle);
        Directory.CreateDirectory(firstBundle);
        await File.WriteAllTextAsync(Path.Combine(firstBundle, "keep-me"), "not a bundle");

        var second = await RunAsync(scheduleId);

        var history = await WaitForHistoryAsync(scheduleId, "pruneFailed");
        var failure = history.First(e => e.GetProperty("kind").GetString() == "pruneFailed");
        var pruneJobId = failure.GetProperty("jobId").GetString()!;
        var prune = await fixture.GetJobAsync(pruneJobId);
        Assert.Equal("prune", prune.GetProperty("module").GetString());
        Assert.Equal("failed", prune.GetProperty("state").GetString());
        Assert.Contains($"Prune job {pruneJobId} ended failed", failure.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(firstBundle, "keep-me")));
        Assert.True(File.Exists(Path.Combine(fixture.StorageDir, second.GetProperty("result").GetProperty("objectKey").GetString()!)));
        foreach (var job in new[] { first, second })
        {
            var now = await fixture.GetJobAsync(job.GetProperty("id").GetString()!);
            Assert.Equal("completed", now.GetProperty("state").GetString());
            Assert.False(now.TryGetProperty("prunedAt", out var at) && at.ValueKind == JsonValueKind.String, now.ToString());
        }
    }

    private async Task<string> CreateScheduleAsync(string name)
    {
        using var create = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/schedules", new
        {
            name, cron = "0 3 * * *", enabled = false, nodeId = fixture.NodeId, module = "wordpress",
            config = new { path = fixture.WordPress.Site.RootPath }, providerId = fixture.ProviderId, retention = new { keepLast = 1 },
        });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        return (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<List<JsonElement>> WaitForHistoryAsync(string scheduleId, string kind)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var history = (await fixture.Api.GetJsonAsync($"/api/v1/schedules/{scheduleId}")).GetProperty("history").EnumerateArray().ToList();
            if (history.Any(e => e.GetProperty("kind").GetString() == kind))
            {
                return history;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No {kind} event in {string.Join("; ", history)}\nnode output:\n{fixture.Node.Process.Output}");
            await Task.Delay(200);
        }
    }

    private async Task<JsonElement> RunAsync(string scheduleId)
    {
        using var run = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/schedules/{scheduleId}/run");
        Assert.Equal(HttpStatusCode.Created, run.StatusCode);
        var jobId = (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var job = await fixture.WaitForJobAsync(jobId, JobsEndToEndFixture.IsFinished, TimeSpan.FromMinutes(2));
        Assert.True(job.GetProperty("state").GetString() == "completed", job.ToString());
        return job;
    }
}
