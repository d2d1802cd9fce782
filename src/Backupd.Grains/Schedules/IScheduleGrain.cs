using Backupd.Contracts.Jobs;
using Backupd.Contracts.Schedules;
using Backupd.Grains.Indexing;
using Backupd.Grains.Secrets;
using Orleans.Concurrency;

namespace Backupd.Grains.Schedules;

/// <summary>One schedule, keyed by schedule id. Reached only inside the master.</summary>
[Alias("backupd.schedules.IScheduleGrain")]
public interface IScheduleGrain : IIndexedGrain, Secrets.ISecretHolder
{
    /// <summary>Records a new schedule (definition already validated).</summary>
    [Alias("Create")]
    Task<ScheduleDetails> CreateAsync(ScheduleDefinition definition);

    /// <summary>Replaces the definition; null when no such schedule exists.</summary>
    [Alias("Update")]
    Task<ScheduleDetails?> UpdateAsync(ScheduleDefinition definition);

    /// <summary>Removes the schedule and its reminder; its jobs and bundles stay.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();

    /// <summary>Activates the schedule, which starts its timer when it is enabled; nothing else.</summary>
    [Alias("Wake")]
    Task WakeAsync();

    /// <summary>The schedule; null when none exists.</summary>
    [Alias("Get")]
    Task<ScheduleDetails?> GetAsync();

    /// <summary>
    /// Creates a job now, outside the cron times: the job, or why none could be made (the
    /// schedule's secrets cannot be opened); null when the schedule does not exist.
    /// </summary>
    [Alias("RunNow")]
    Task<ScheduleRun?> RunNowAsync();

    /// <summary>The next occurrences in the schedule's time zone.</summary>
    [Alias("Next")]
    Task<IReadOnlyList<DateTimeOffset>> NextAsync(int count);

    /// <summary>Records the receipt of a test-restore of one of this schedule's backups.</summary>
    [Alias("RecordTestRestore")]
    Task RecordTestRestoreAsync(RestoreReceipt receipt);

    /// <summary>A job of this schedule ended: apply retention after a success. One-way, so the job never waits on pruning.</summary>
    [OneWay, Alias("JobFinished")]
    Task JobFinishedAsync(string jobId, JobState state);
}
