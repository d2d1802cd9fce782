namespace Backupd.Contracts.Schedules;

/// <summary>What happened at one occurrence of a schedule.</summary>
public enum ScheduleEventKind
{
    /// <summary>A job was created on time.</summary>
    Ran,

    /// <summary>A job was created for a missed occurrence, late, after the master came back.</summary>
    RanLate,

    /// <summary>Run by hand (<c>POST /schedules/{id}/run</c>).</summary>
    RanNow,

    /// <summary>Skipped: the previous job was still pending or running.</summary>
    Skipped,

    /// <summary>Missed while the master was down, too long ago to catch up.</summary>
    Missed,

    /// <summary>Old bundles were pruned after a successful run.</summary>
    Pruned,

    /// <summary>Pruning failed; the backup itself stands.</summary>
    PruneFailed,

    /// <summary>A run ended failed or cancelled; nothing was pruned after it.</summary>
    RunFailed,

    /// <summary>An occurrence, or a run by hand, could not create its job; the message says why.</summary>
    NotRun,

    /// <summary>An occurrence of the schedule's test-restore cron: a test-restore of its newest bundle was queued, or the message says why none was.</summary>
    TestRestoreDue,
}

/// <summary>One line of a schedule's history.</summary>
[GenerateSerializer, Immutable, Alias("backupd.schedules.ScheduleEvent")]
public sealed record ScheduleEvent(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] ScheduleEventKind Kind,
    [property: Id(2)] DateTimeOffset? Due,
    [property: Id(3)] string? JobId,
    [property: Id(4)] string? Message);
