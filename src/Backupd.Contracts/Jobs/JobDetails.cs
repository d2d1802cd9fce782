namespace Backupd.Contracts.Jobs;

/// <summary>A job as the API shows it. Secret config values are masked.</summary>
[GenerateSerializer, Immutable, Alias("backupd.jobs.JobDetails")]
public sealed record JobDetails(
    [property: Id(0)] string Id,
    [property: Id(1)] string NodeId,
    [property: Id(2)] string Module,
    [property: Id(3)] string ConfigJson,
    [property: Id(4)] string ProviderId,
    [property: Id(5)] int Priority,
    [property: Id(6)] JobState State,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset? StartedAt,
    [property: Id(9)] DateTimeOffset? EndedAt,
    [property: Id(10)] int Attempts,
    [property: Id(11)] int MaxAttempts,
    [property: Id(12)] bool CancelRequested,
    [property: Id(13)] IReadOnlyList<JobStageInfo> Stages,
    [property: Id(14)] IReadOnlyList<JobLogEntry> Log,
    [property: Id(15)] JobResult? Result,
    [property: Id(16)] string? Error,
    [property: Id(17)] string? ScheduleId,
    [property: Id(18)] DateTimeOffset? PrunedAt = null,
    [property: Id(19)] BundleVerification? LastVerification = null,
    [property: Id(20)] RestoreReceipt? LastTestRestore = null,
    [property: Id(21)] KeptCopyEnd? KeptCopyEnded = null,
    [property: Id(22)] DateTimeOffset? SwappedAt = null);
