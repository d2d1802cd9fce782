namespace Backupd.Contracts.Jobs;

/// <summary>What a completed job left in storage.</summary>
/// <param name="ObjectKey">The bundle's key in the provider.</param>
/// <param name="Size">The bundle's size in bytes.</param>
/// <param name="Sha256">The bundle's SHA-256, lower-case hex.</param>
[GenerateSerializer, Immutable, Alias("backupd.jobs.JobResult")]
public sealed record JobResult(
    [property: Id(0)] string ObjectKey,
    [property: Id(1)] long Size,
    [property: Id(2)] string Sha256);
