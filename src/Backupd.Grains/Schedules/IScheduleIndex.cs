using Backupd.Contracts.Schedules;

namespace Backupd.Grains.Schedules;

/// <summary>
/// The schedule index: one row per schedule in the master database, written by
/// <see cref="ScheduleGrain"/> after each write of its state, read by the schedule list, the
/// provider in-use check and the start-up activation of enabled schedules.
/// </summary>
public interface IScheduleIndex
{
    /// <summary>Writes the row of a schedule, made from the state of version <paramref name="stateVersion"/>; a newer row is kept.</summary>
    Task UpsertAsync(ScheduleIndexRow schedule, long stateVersion, CancellationToken cancellationToken = default);

    /// <summary>Removes the row of a schedule that has no state.</summary>
    Task RemoveAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>The schedules matching <paramref name="filter"/>, oldest first, as <c>GET /api/v1/schedules/{id}</c> shows them.</summary>
    Task<IReadOnlyList<ScheduleDetails>> ListAsync(ScheduleFilter filter, CancellationToken cancellationToken = default);
}

/// <summary>Which schedules a list shows; each filter given narrows it.</summary>
public sealed record ScheduleFilter(string? ProviderId = null, string? NodeId = null, bool? Enabled = null)
{
    /// <summary>Every schedule.</summary>
    public static readonly ScheduleFilter All = new();
}

/// <summary>
/// What the schedule index keeps of a schedule: its details as they stood when written (next run
/// and the last job's state are worked out when read), and the watermark the next run follows.
/// </summary>
public sealed record ScheduleIndexRow(ScheduleDetails Details, DateTimeOffset LastDueHandled)
{
    /// <summary>
    /// The next run after <paramref name="now"/> of an enabled schedule: the first occurrence
    /// after both now and the last one handled; none for a disabled one.
    /// </summary>
    public static DateTimeOffset? NextRun(ScheduleDefinition definition, Scheduling.CronSchedule cron, DateTimeOffset lastDueHandled, DateTimeOffset now) =>
        definition.Enabled ? cron.NextAfter(lastDueHandled > now ? lastDueHandled : now) : null;
}
