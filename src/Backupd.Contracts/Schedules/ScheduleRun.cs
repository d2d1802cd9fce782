namespace Backupd.Contracts.Schedules;

/// <summary>What one run of a schedule came to.</summary>
/// <param name="JobId">The job it created; null when it could not create one.</param>
/// <param name="Problem">Why it could not, in words for the admin; null when it did.</param>
[GenerateSerializer, Immutable, Alias("backupd.schedules.ScheduleRun")]
public sealed record ScheduleRun(
    [property: Id(0)] string? JobId,
    [property: Id(1)] string? Problem);
