namespace Backupd.Contracts.Jobs;

/// <summary>
/// How the copy a restore kept of what it replaced (its <c>safetyBackup</c>: the old tables under
/// another prefix, the old wp-content beside the site) came to an end.
/// </summary>
/// <param name="ByJobId">The job that ended it: an undo, which swapped it back in, or a discard, which removed it.</param>
/// <param name="Undone">True for an undo; false for a discard.</param>
/// <param name="At">When that job ended.</param>
[GenerateSerializer, Immutable, Alias("backupd.jobs.KeptCopyEnd")]
public sealed record KeptCopyEnd(
    [property: Id(0)] string ByJobId,
    [property: Id(1)] bool Undone,
    [property: Id(2)] DateTimeOffset At);
