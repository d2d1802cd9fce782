namespace Backupd.Contracts.Jobs;

/// <summary>How a run ended on the node.</summary>
/// <param name="State">Completed, Failed or Cancelled.</param>
/// <param name="Result">The bundle, when completed.</param>
/// <param name="Error">Why it failed, when failed.</param>
/// <param name="Report">The final stages and the last log lines.</param>
[GenerateSerializer, Immutable, Alias("backupd.jobs.JobOutcome")]
public sealed record JobOutcome(
    [property: Id(0)] JobState State,
    [property: Id(1)] JobResult? Result,
    [property: Id(2)] string? Error,
    [property: Id(3)] JobProgressReport Report);
