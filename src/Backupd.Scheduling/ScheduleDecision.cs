namespace Backupd.Scheduling;

/// <summary>
/// What a schedule does on one tick of its clock: start a job, record a skip or a missed run,
/// or wait. <see cref="Decide"/> makes it from explicit instants, so it never reads a clock.
/// </summary>
/// <remarks>
/// The caller keeps one watermark per schedule, the last due time it has handled, and moves it
/// to <c>Due</c> after acting on <see cref="RunNow"/>, <see cref="Skip"/> or
/// <see cref="MissedBeyondWindow"/>; so each occurrence is acted on once, however often it ticks.
/// </remarks>
public abstract record ScheduleDecision
{
    /// <summary>How long after an occurrence a schedule still runs it when the master was down, unless the schedule sets its own.</summary>
    public static readonly TimeSpan DefaultCatchUpWindow = TimeSpan.FromHours(1);

    /// <summary>
    /// From this long after its due time a run counts as late. Well above a timer tick delayed
    /// by a busy silo or a collection (a job is meant to start within 5 s), well below any
    /// outage worth recording.
    /// </summary>
    public static readonly TimeSpan LateAfter = TimeSpan.FromSeconds(30);

    /// <summary>The reason recorded when an occurrence is skipped because the previous job has not ended.</summary>
    public const string OverlapReason = "the previous job of this schedule is still pending or running";

    private ScheduleDecision()
    {
    }

    /// <summary>Start a job for the occurrence due at <paramref name="Due"/>.</summary>
    /// <param name="Due">The occurrence the job is for; the new watermark.</param>
    /// <param name="Late">It starts <see cref="LateAfter"/> or more after <paramref name="Due"/>: a missed run caught up.</param>
    /// <param name="EarlierMissed">Older occurrences since the watermark that this run stands in for; they never run.</param>
    public sealed record RunNow(DateTimeOffset Due, bool Late, MissedOccurrences? EarlierMissed) : ScheduleDecision;

    /// <summary>Do not start a job for <paramref name="Due"/>; record the skip with <paramref name="Reason"/>.</summary>
    /// <param name="Due">The skipped occurrence; the new watermark.</param>
    /// <param name="Reason">Why, in words for the schedule's history (<see cref="OverlapReason"/>).</param>
    /// <param name="EarlierMissed">Older occurrences since the watermark, also not run.</param>
    public sealed record Skip(DateTimeOffset Due, string Reason, MissedOccurrences? EarlierMissed) : ScheduleDecision;

    /// <summary>
    /// The latest occurrence, <paramref name="Due"/>, passed longer ago than the catch-up window:
    /// record it as missed and do not run it.
    /// </summary>
    /// <param name="Due">The latest missed occurrence; the new watermark.</param>
    /// <param name="EarlierMissed">Older occurrences since the watermark, also missed.</param>
    public sealed record MissedBeyondWindow(DateTimeOffset Due, MissedOccurrences? EarlierMissed) : ScheduleDecision;

    /// <summary>Nothing is due; the next occurrence is <paramref name="NextDue"/>.</summary>
    /// <param name="NextDue">When to look again, in the schedule's zone; null only past the end of Cronos' calendar.</param>
    public sealed record Wait(DateTimeOffset? NextDue) : ScheduleDecision;

    /// <summary>Decides what <paramref name="schedule"/> does at <paramref name="now"/>.</summary>
    /// <param name="schedule">The schedule.</param>
    /// <param name="lastDueHandled">
    /// The watermark: the last occurrence already handled, or, for a schedule that has never
    /// run, when it was created or enabled (so occurrences before that are not missed runs).
    /// </param>
    /// <param name="now">The current instant.</param>
    /// <param name="previousJobActive">The schedule's previous job is still pending or running.</param>
    /// <param name="catchUpWindow">How late a missed occurrence may still run; null is <see cref="DefaultCatchUpWindow"/>, zero never catches up.</param>
    /// <remarks>
    /// Only the latest occurrence since the watermark is considered, so an outage that spans
    /// several occurrences runs at most once. It runs on time if less than
    /// <see cref="LateAfter"/> has passed (whatever the window), late if within the window,
    /// and not at all beyond it. An occurrence that would run is skipped instead while the
    /// previous job is active.
    /// </remarks>
    public static ScheduleDecision Decide(
        CronSchedule schedule,
        DateTimeOffset lastDueHandled,
        DateTimeOffset now,
        bool previousJobActive,
        TimeSpan? catchUpWindow = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var window = catchUpWindow ?? DefaultCatchUpWindow;
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero, nameof(catchUpWindow));

        // The common tick: one step forward from the watermark answers it.
        var firstUnhandled = schedule.NextAfter(lastDueHandled);
        if (firstUnhandled is not { } first || first > now)
        {
            return new Wait(firstUnhandled);
        }

        // Both searches start at the watermark and first lies in their range, so neither comes back empty.
        var due = schedule.LastAtOrBefore(now, lastDueHandled) ?? first;
        var earlierMissed = first < due
            ? new MissedOccurrences(first, schedule.LastAtOrBefore(due.AddTicks(-1), lastDueHandled) ?? first)
            : null;

        var lateBy = now - due;
        var late = lateBy >= LateAfter;
        if (late && lateBy > window)
        {
            return new MissedBeyondWindow(due, earlierMissed);
        }

        return previousJobActive
            ? new Skip(due, OverlapReason, earlierMissed)
            : new RunNow(due, late, earlierMissed);
    }
}
