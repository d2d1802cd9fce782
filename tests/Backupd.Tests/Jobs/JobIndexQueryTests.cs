using Backupd.Contracts.Jobs;
using Backupd.Tests.Master;

namespace Backupd.Tests.Jobs;

/// <summary>The job index's reads for the dashboard, on the real SQLite file.</summary>
[Collection(FakeClockSiloCollection.Name)]
public sealed class JobIndexQueryTests(FakeClockSiloFixture silo)
{
    [Fact]
    public async Task Last_success_per_schedule_is_the_newest_completed_job_of_each_and_none_for_a_schedule_without_one()
    {
        var (nightly, weekly, never) = (Id(), Id(), Id());
        var start = new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);
        var older = await AddAsync(nightly, JobState.Completed, start);
        var newest = await AddAsync(nightly, JobState.Completed, start.AddDays(1));
        await AddAsync(nightly, JobState.Failed, start.AddDays(2));
        await AddAsync(nightly, JobState.Running, start.AddDays(3));
        var weeklyOnly = await AddAsync(weekly, JobState.Completed, start);
        await AddAsync(never, JobState.Failed, start);
        await AddAsync(null, JobState.Completed, start.AddDays(5));

        var last = await silo.JobIndex.LastCompletedPerScheduleAsync([nightly, weekly, never, Id()]);

        Assert.Equal(2, last.Count);
        Assert.Equal(newest, last[nightly].Id);
        Assert.Equal(weeklyOnly, last[weekly].Id);
        Assert.NotEqual(older, last[nightly].Id);
        Assert.Equal(1 << 20, last[nightly].Result!.Size);
        Assert.Empty(await silo.JobIndex.LastCompletedPerScheduleAsync([]));
    }

    private static string Id() => Guid.CreateVersion7().ToString("N");

    private async Task<string> AddAsync(string? schedule, JobState state, DateTimeOffset created)
    {
        var id = Id();
        var result = state == JobState.Completed ? new JobResult($"bundles/n/wordpress/site/{id}.tar.zst", 1 << 20, new string('a', 64)) : null;
        var ended = state is JobState.Completed or JobState.Failed ? created.AddMinutes(5) : (DateTimeOffset?)null;
        await silo.JobIndex.UpsertAsync(new JobSummary(id, "n-index", "wordpress", "p", 5, state, created, created, ended, null, result, schedule), 1);
        return id;
    }
}
