namespace Backupd.Contracts.Jobs;

/// <summary>The state of one stage of a job.</summary>
public enum StageStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
    Skipped,
}
