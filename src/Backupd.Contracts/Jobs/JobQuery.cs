namespace Backupd.Contracts.Jobs;

/// <summary>A filter and page over the job index; newest first.</summary>
[GenerateSerializer, Immutable, Alias("backupd.jobs.JobQuery")]
public sealed record JobQuery(
    [property: Id(0)] JobState? State = null,
    [property: Id(1)] string? NodeId = null,
    [property: Id(2)] string? Module = null,
    [property: Id(3)] DateTimeOffset? CreatedFrom = null,
    [property: Id(4)] DateTimeOffset? CreatedTo = null,
    [property: Id(5)] int Offset = 0,
    [property: Id(6)] int Limit = 50,
    [property: Id(7)] string? ScheduleId = null,
    [property: Id(8)] string? ProviderId = null);

/// <summary>One page of jobs and how many match in all.</summary>
[GenerateSerializer, Immutable, Alias("backupd.jobs.JobPage")]
public sealed record JobPage(
    [property: Id(0)] IReadOnlyList<JobSummary> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] int Offset,
    [property: Id(3)] int Limit);
