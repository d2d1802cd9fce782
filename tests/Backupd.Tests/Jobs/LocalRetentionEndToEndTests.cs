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
        using var create = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/schedules", new
        {
            name = "retention e2e", cron = "0 3 * * *", enabled = false, nodeId = fixture.NodeId, module = "wordpress",
            config = new { path = fixture.WordPress.Site.RootPath }, providerId = fixture.ProviderId, retention = new { keepLast = 1 },
        });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var scheduleId = (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

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
