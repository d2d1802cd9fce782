namespace Backupd.Contracts.Jobs;

/// <summary>How the latest verify job of a backup's bundle ended.</summary>
/// <param name="JobId">The verify job.</param>
/// <param name="At">When it ended.</param>
/// <param name="Passed">Whether the bundle was downloaded and found whole: as recorded, every member as its manifest lists it.</param>
/// <param name="Problem">Why it did not pass (a changed bundle, or one that could not be fetched); null when it passed.</param>
[GenerateSerializer, Immutable, Alias("backupd.jobs.BundleVerification")]
public sealed record BundleVerification(
    [property: Id(0)] string JobId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] bool Passed,
    [property: Id(3)] string? Problem);
