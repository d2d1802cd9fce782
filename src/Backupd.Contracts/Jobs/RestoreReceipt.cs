namespace Backupd.Contracts.Jobs;

/// <summary>
/// The proof that a backup restores: a test-restore job put its bundle back into a scratch copy
/// of the site, checked it, and removed the copy.
/// </summary>
/// <param name="RestoreJobId">The test-restore job.</param>
/// <param name="BackupJobId">The backup whose bundle it restored.</param>
/// <param name="BundleKey">That bundle's key.</param>
/// <param name="At">When the test-restore ended.</param>
/// <param name="Passed">Whether the copy was restored and passed every check.</param>
/// <param name="Duration">How long the test-restore ran.</param>
/// <param name="Checks">What was checked, as the job's log says it; null when it did not get that far.</param>
/// <param name="Problem">Why it did not pass; null when it passed.</param>
[GenerateSerializer, Immutable, Alias("backupd.jobs.RestoreReceipt")]
public sealed record RestoreReceipt(
    [property: Id(0)] string RestoreJobId,
    [property: Id(1)] string BackupJobId,
    [property: Id(2)] string BundleKey,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] bool Passed,
    [property: Id(5)] TimeSpan Duration,
    [property: Id(6)] string? Checks,
    [property: Id(7)] string? Problem);
