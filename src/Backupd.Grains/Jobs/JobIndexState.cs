using Backupd.Contracts.Jobs;

namespace Backupd.Grains.Jobs;

/// <summary>Stored state of the job index.</summary>
[GenerateSerializer, Alias("backupd.jobs.JobIndexState")]
public sealed class JobIndexState
{
    [Id(0)] public Dictionary<string, JobSummary> Jobs { get; set; } = [];
}
