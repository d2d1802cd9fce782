namespace Backupd.Modules;

/// <summary>How a stage ended.</summary>
public enum StageOutcome
{
    /// <summary>It did its work.</summary>
    Completed,

    /// <summary>It threw; the job fails with the first such stage's message.</summary>
    Failed,

    /// <summary>It was stopped part-way: the job was cancelled, or a stage running alongside it failed.</summary>
    Cancelled,

    /// <summary>It never started, because an earlier stage failed or the job was cancelled first.</summary>
    Skipped,
}
