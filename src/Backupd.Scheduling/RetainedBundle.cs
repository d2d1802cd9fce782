namespace Backupd.Scheduling;

/// <summary>A successful bundle of one schedule, as retention sees it.</summary>
/// <param name="JobId">The job that made it.</param>
/// <param name="ObjectKey">Where it is stored in the schedule's provider.</param>
/// <param name="CreatedAt">When it was made; retention sorts and buckets by this.</param>
public sealed record RetainedBundle(string JobId, string ObjectKey, DateTimeOffset CreatedAt);
