namespace Backupd.Scheduling;

/// <summary>
/// Occurrences of a schedule that passed without a job of their own, from
/// <paramref name="First"/> to <paramref name="Last"/> (the same instant when only one did),
/// in the schedule's zone.
/// </summary>
/// <param name="First">The oldest of them.</param>
/// <param name="Last">The newest of them.</param>
public sealed record MissedOccurrences(DateTimeOffset First, DateTimeOffset Last);
