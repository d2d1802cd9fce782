using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Master.Api;

/// <summary>The schedules API on a real master process: validation, next runs, run now.</summary>
[Collection(SharedMasterCollection.Name)]
public sealed class SchedulesApiTests(SharedMasterFixture fixture) : IAsyncLifetime
{
    private MasterApi _api = null!;
    private string _nodeId = null!;
    private string _providerId = null!;

    public async Task InitializeAsync()
    {
        _api = new MasterApi(fixture.Master.Http, await fixture.Master.IssueTokenAsync());
        _nodeId = (await NodeEnrolment.EnrolAsync(_api)).NodeId;
        using var provider = await _api.SendAsync(HttpMethod.Post, "/api/v1/providers", new { name = "schedules", type = "local", path = "/var/backups/s" });
        _providerId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("""{"cron":"61 * * * *"}""", "cron", "not a valid cron expression")]
    [InlineData("""{"cron":"* * *"}""", "cron", "5 fields")]
    [InlineData("""{"timeZone":"Mars/Base"}""", "timeZone", "IANA")]
    [InlineData("""{"module":"nope"}""", "module", "wordpress")]
    [InlineData("""{"module":"prune"}""", "module", "the master's own")]
    [InlineData("""{"config":{"path":7}}""", "config.path", "must be a string")]
    [InlineData("""{"nodeId":"ghost"}""", "nodeId", "'ghost'")]
    [InlineData("""{"providerId":"ghost"}""", "providerId", "'ghost'")]
    [InlineData("""{"retention":{"keepLast":0}}""", "retention", "keep something")]
    [InlineData("""{"retention":{"keepDaily":-1}}""", "retention", "keepDaily")]
    [InlineData("""{"priority":-1}""", "priority", "0 to 10")]
    public async Task A_bad_schedule_is_a_400_that_names_the_field(string overrides, string field, string expected)
    {
        var body = ValidBody();
        foreach (var property in JsonDocument.Parse(overrides).RootElement.EnumerateObject())
        {
            body[property.Name] = property.Value.Clone();
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/schedules") { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
        using var response = await _api.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
        Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_schedule_shows_its_next_runs_in_its_zone_runs_on_demand_and_keeps_its_provider_from_deletion()
    {
        var body = ValidBody();
        body["timeZone"] = JsonSerializer.SerializeToElement("Europe/Berlin");
        body["enabled"] = JsonSerializer.SerializeToElement(false);
        using var create = await _api.SendAsync(HttpMethod.Post, "/api/v1/schedules", body);
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var id = (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var next = await _api.GetJsonAsync($"/api/v1/schedules/{id}/next?count=5");
        Assert.Equal("Europe/Berlin", next.GetProperty("timeZone").GetString());
        var occurrences = next.GetProperty("occurrences").EnumerateArray().Select(o => o.GetDateTimeOffset()).ToList();
        Assert.Equal(5, occurrences.Count);
        Assert.All(occurrences, o => Assert.Equal(new TimeOnly(2, 30), TimeOnly.FromDateTime(o.DateTime)));

        using var run = await _api.SendAsync(HttpMethod.Post, $"/api/v1/schedules/{id}/run");
        Assert.Equal(HttpStatusCode.Created, run.StatusCode);
        var jobId = (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var job = await _api.GetJsonAsync($"/api/v1/jobs/{jobId}");
        Assert.Equal(id, job.GetProperty("scheduleId").GetString());

        var listed = (await _api.GetJsonAsync("/api/v1/schedules")).EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);
        Assert.Equal(jobId, listed.GetProperty("lastJobId").GetString());
        Assert.Equal("pending", listed.GetProperty("lastJobState").GetString());
        Assert.DoesNotContain("sched-api-secret", listed.ToString(), StringComparison.Ordinal);

        (await _api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{jobId}/cancel")).Dispose();
        listed = (await _api.GetJsonAsync("/api/v1/schedules")).EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);
        Assert.Equal("cancelled", listed.GetProperty("lastJobState").GetString());

        // Run again goes through the schedule: its config (secrets and all) as it stands, and its history.
        using (var again = await _api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{jobId}/run-again"))
        {
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            var againId = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            Assert.Equal(id, (await _api.GetJsonAsync($"/api/v1/jobs/{againId}")).GetProperty("scheduleId").GetString());
            var schedule = await _api.GetJsonAsync($"/api/v1/schedules/{id}");
            Assert.Equal(againId, schedule.GetProperty("lastJobId").GetString());
            Assert.Equal("ranNow", schedule.GetProperty("history").EnumerateArray().Last().GetProperty("kind").GetString());
            (await _api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{againId}/cancel")).Dispose();
        }

        using var refused = await _api.SendAsync(HttpMethod.Delete, $"/api/v1/providers/{_providerId}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Schedule", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var deleted = await _api.SendAsync(HttpMethod.Delete, $"/api/v1/schedules/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    private Dictionary<string, JsonElement> ValidBody() => new()
    {
        ["name"] = JsonSerializer.SerializeToElement("nightly"),
        ["cron"] = JsonSerializer.SerializeToElement("30 2 * * *"),
        ["nodeId"] = JsonSerializer.SerializeToElement(_nodeId),
        ["module"] = JsonSerializer.SerializeToElement("wordpress"),
        ["config"] = JsonSerializer.SerializeToElement(new { path = "/srv/www/a", db = new { password = "sched-api-secret" } }),
        ["providerId"] = JsonSerializer.SerializeToElement(_providerId),
        ["retention"] = JsonSerializer.SerializeToElement(new { keepLast = 3, keepDaily = 7 }),
    };
}
