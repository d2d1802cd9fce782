using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Schedules;

/// <summary>A schedule in a real master process: fires, survives a restart (SQLite state, reminders) and fires again.</summary>
public sealed class ScheduleRestartTests
{
    [Fact]
    public async Task A_schedule_fires_survives_a_master_restart_and_fires_again()
    {
        // Every five seconds: far more often than a real schedule may (BACKUPD_SCHEDULE_MIN_INTERVAL), so that the test takes seconds.
        await using var master = new MasterProcess(extraEnvironment: new Dictionary<string, string> { ["BACKUPD_SCHEDULE_MIN_INTERVAL"] = "00:00:05" });
        await master.StartAsync();
        var api = new MasterApi(master.Http, await master.IssueTokenAsync());
        var nodeId = (await NodeEnrolment.EnrolAsync(api)).NodeId;
        using var provider = await api.SendAsync(HttpMethod.Post, "/api/v1/providers", new { name = "p", type = "local", path = "/var/backups/r" });
        var providerId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var create = await api.SendAsync(HttpMethod.Post, "/api/v1/schedules", new
        {
            name = "every five seconds", cron = "*/5 * * * * *", nodeId, module = "wordpress", config = new { path = "/srv/www/r" }, providerId,
        });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var id = (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var first = await WaitForJobCreatedAfterAsync(api, id, DateTimeOffset.MinValue);
        // No node runs it: cancelled, it does not make the first occurrence after the restart skip as an overlap.
        (await api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{first}/cancel")).Dispose();

        // Down across at least two occurrences.
        Assert.Equal(0, await master.StopAsync());
        var down = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(12));
        var startedAgain = DateTimeOffset.UtcNow;
        await master.StartAsync();
        api = new MasterApi(master.Http, await master.IssueTokenAsync());

        var again = await WaitForJobCreatedAfterAsync(api, id, down);
        var schedule = await api.GetJsonAsync($"/api/v1/schedules/{id}");
        var history = schedule.GetProperty("history").EnumerateArray().ToList();

        // The occurrences that fell while the master was down are recorded, not run once each: the
        // first run after the restart is the latest of them (due less than one period, 5 s, before
        // the master came back), and the ones before it since the stop are one missed event, which
        // names the latest of them. (Later occurrences run on time; how many depends on the machine.)
        static DateTimeOffset Due(JsonElement e) => e.GetProperty("due").GetDateTimeOffset();
        var firstRun = history.Where(e => e.GetProperty("kind").GetString() is "ran" or "ranLate" && e.GetProperty("at").GetDateTimeOffset() > down).MinBy(Due);
        Assert.True(firstRun.ValueKind == JsonValueKind.Object, string.Join("; ", history));
        Assert.InRange(Due(firstRun), startedAgain - TimeSpan.FromSeconds(5), firstRun.GetProperty("at").GetDateTimeOffset());
        var missed = Assert.Single(history, e => e.GetProperty("kind").GetString() == "missed" && Due(e) > down);
        Assert.Equal(Due(firstRun) - TimeSpan.FromSeconds(5), Due(missed));
        Assert.Contains("only the latest missed occurrence runs", missed.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(again, (await api.GetJsonAsync($"/api/v1/jobs/{again}")).GetProperty("id").GetString());
    }

    /// <summary>
    /// Waits for a job of the schedule created after <paramref name="after"/>, cancelling older
    /// pending ones so they do not make later occurrences skip as overlaps.
    /// </summary>
    private static async Task<string> WaitForJobCreatedAfterAsync(MasterApi api, string scheduleId, DateTimeOffset after)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var jobs = (await api.GetJsonAsync($"/api/v1/jobs?scheduleId={scheduleId}")).GetProperty("items").EnumerateArray().ToList();
            if (jobs.FirstOrDefault(j => j.GetProperty("createdAt").GetDateTimeOffset() > after) is { ValueKind: JsonValueKind.Object } job)
            {
                return job.GetProperty("id").GetString()!;
            }

            foreach (var old in jobs.Where(j => j.GetProperty("state").GetString() == "pending"))
            {
                (await api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{old.GetProperty("id").GetString()}/cancel")).Dispose();
            }

            Assert.True(DateTime.UtcNow < deadline, $"No job after {after}: {string.Join(", ", jobs)}");
            await Task.Delay(250);
        }
    }
}
