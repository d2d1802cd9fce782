namespace Backupd.Contracts.Jobs;

/// <summary>Where a job is in its life: <c>Pending → Running → Completed | Failed | Cancelled</c>.</summary>
public enum JobState
{
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>Helpers for <see cref="JobState"/>.</summary>
public static class JobStates
{
    /// <summary>Whether the job has ended and will not change again.</summary>
    public static bool IsFinished(this JobState state) => state is JobState.Completed or JobState.Failed or JobState.Cancelled;
}
