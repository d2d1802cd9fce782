namespace Backupd.Contracts.Jobs;

/// <summary>A node's report on a running job: the stages as they stand and log lines since the last report.</summary>
[GenerateSerializer, Immutable, Alias("backupd.jobs.JobProgressReport")]
public sealed record JobProgressReport(
    [property: Id(0)] IReadOnlyList<JobStageInfo> Stages,
    [property: Id(1)] IReadOnlyList<JobLogEntry> NewLogEntries);
