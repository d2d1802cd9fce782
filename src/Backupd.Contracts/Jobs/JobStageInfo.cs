namespace Backupd.Contracts.Jobs;

/// <summary>One stage of a job as it stands.</summary>
/// <param name="Name">The stage name, e.g. <c>backup_db</c>.</param>
/// <param name="Status">Pending, running, completed…</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="BytesDone">Bytes processed so far.</param>
/// <param name="BytesTotal">Bytes expected, when known.</param>
/// <param name="Progress">0 to 1, when known.</param>
/// <param name="Message">A short line on what it is doing or why it failed.</param>
[GenerateSerializer, Immutable, Alias("backupd.jobs.JobStageInfo")]
public sealed record JobStageInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] StageStatus Status,
    [property: Id(2)] DateTimeOffset? StartedAt = null,
    [property: Id(3)] DateTimeOffset? EndedAt = null,
    [property: Id(4)] long BytesDone = 0,
    [property: Id(5)] long? BytesTotal = null,
    [property: Id(6)] double? Progress = null,
    [property: Id(7)] string? Message = null);
