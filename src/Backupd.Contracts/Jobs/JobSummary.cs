namespace Backupd.Contracts.Jobs;

/// <summary>A job's line in the job index: enough to list and filter without activating it.</summary>
[GenerateSerializer, Immutable, Alias("backupd.jobs.JobSummary")]
public sealed record JobSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string NodeId,
    [property: Id(2)] string Module,
    [property: Id(3)] string ProviderId,
    [property: Id(4)] int Priority,
    [property: Id(5)] JobState State,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset? StartedAt,
    [property: Id(8)] DateTimeOffset? EndedAt,
    [property: Id(9)] string? Error,
    [property: Id(10)] JobResult? Result,
    [property: Id(11)] string? ScheduleId,
    [property: Id(12)] DateTimeOffset? PrunedAt = null);
