using Backupd.Contracts.Jobs;
using Backupd.Contracts.Schedules;
using Backupd.Contracts.Storage;
using Backupd.Grains.Jobs;
using Backupd.Grains.Schedules;
using Backupd.Tests.Master;

namespace Backupd.Tests.Schedules;

/// <summary>Schedules on a real silo with the real reminder service and SQLite state.</summary>
[Collection(SqliteSiloCollection.Name)]
public sealed class ScheduleGrainTests(SqliteSiloFixture silo)
{
    private IGrainFactory Grains => silo.Client;

    [Fact]
    public async Task A_schedule_creates_its_job_on_time_and_skips_the_next_occurrence_while_that_job_is_still_pending()
    {
        var id = Guid.NewGuid().ToString("N");
        var node = "n" + Guid.NewGuid().ToString("N")[..16];
        var schedule = Grains.GetGrain<IScheduleGrain>(id);
        await schedule.CreateAsync(Definition(node, "*/2 * * * * *"));

        // No node takes the job, so it stays pending and the next occurrence must be skipped.
        var details = await WaitForAsync(schedule, d => d.History.Any(e => e.Kind == ScheduleEventKind.Skipped));

        var ran = details.History.First(e => e.Kind == ScheduleEventKind.Ran);
        Assert.True(ran.At - ran.Due!.Value < TimeSpan.FromSeconds(5), $"created {ran.At - ran.Due} after its time");
        var job = await Grains.GetGrain<IJobGrain>(ran.JobId!).GetAsync();
        Assert.Equal(JobState.Pending, job!.State);
        Assert.Equal(id, job.ScheduleId);
        Assert.Contains("\"password\":\"********\"", job.ConfigJson, StringComparison.Ordinal);
        var skipped = details.History.First(e => e.Kind == ScheduleEventKind.Skipped);
        Assert.Contains("still pending or running", skipped.Message, StringComparison.Ordinal);
        Assert.Equal(ran.JobId, skipped.JobId);
        Assert.Single((await silo.JobIndex.QueryAsync(new JobQuery(ScheduleId: id))).Items);
        Assert.Contains("\"password\":\"********\"", details.Definition.ConfigJson, StringComparison.Ordinal);

        await schedule.DeleteAsync();
        Assert.Null(await schedule.GetAsync());
    }

    [Fact]
    public async Task Next_occurrences_are_in_the_schedules_time_zone_and_a_disabled_schedule_has_no_next_run()
    {
        var schedule = Grains.GetGrain<IScheduleGrain>(Guid.NewGuid().ToString("N"));
        var created = await schedule.CreateAsync(Definition("n1", "30 2 * * *", "Europe/Berlin", enabled: false));

        var next = await schedule.NextAsync(5);

        Assert.Null(created.NextRunAt);
        Assert.Equal(5, next.Count);
        Assert.All(next, at => Assert.Equal(new TimeOnly(2, 30), TimeOnly.FromDateTime(at.DateTime)));
        Assert.All(next, at => Assert.Contains(at.Offset, new[] { TimeSpan.FromHours(1), TimeSpan.FromHours(2) }));
        Assert.True(next.Zip(next.Skip(1)).All(p => p.First < p.Second));
    }

    internal static ScheduleDefinition Definition(string nodeId, string cron, string timeZone = "UTC", bool enabled = true, string providerId = "p", RetentionSettings? retention = null) =>
        new("test", cron, timeZone, nodeId, "wordpress", """{"path":"/srv/www/a","db":{"password":"sched-secret"}}""", providerId, 5, enabled, retention, ScheduleDefinition.DefaultCatchUpWindow);

    private static async Task<ScheduleDetails> WaitForAsync(IScheduleGrain schedule, Func<ScheduleDetails, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var details = await schedule.GetAsync();
            if (condition(details!))
            {
                return details!;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out; history: {string.Join("; ", details!.History)}");
            await Task.Delay(200);
        }
    }
}
