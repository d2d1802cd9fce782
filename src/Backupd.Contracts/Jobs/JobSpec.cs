namespace Backupd.Contracts.Jobs;

/// <summary>What an admin asked for: which module runs where, with what config, into which provider.</summary>
/// <param name="NodeId">The node that runs the job.</param>
/// <param name="Module">The module name, e.g. <c>wordpress</c>.</param>
/// <param name="ConfigJson">The module's config as JSON, already validated against its schema.</param>
/// <param name="ProviderId">The storage provider that receives the bundle.</param>
/// <param name="Priority">0 (lowest) to 10 (highest).</param>
/// <param name="MaxAttempts">How many times the job may start before a lost lease fails it.</param>
/// <param name="ScheduleId">The schedule that created the job, if any.</param>
[GenerateSerializer, Immutable, Alias("backupd.jobs.JobSpec")]
public sealed record JobSpec(
    [property: Id(0)] string NodeId,
    [property: Id(1)] string Module,
    [property: Id(2)] string ConfigJson,
    [property: Id(3)] string ProviderId,
    [property: Id(4)] int Priority,
    [property: Id(5)] int MaxAttempts,
    [property: Id(6)] string? ScheduleId = null)
{
    /// <summary>The lowest priority.</summary>
    public const int MinPriority = 0;

    /// <summary>The highest priority.</summary>
    public const int MaxPriority = 10;

    /// <summary>The priority of a job that names none.</summary>
    public const int DefaultPriority = 5;

    /// <summary>Attempts when none are named: one retry after a lost node.</summary>
    public const int DefaultMaxAttempts = 2;
}
