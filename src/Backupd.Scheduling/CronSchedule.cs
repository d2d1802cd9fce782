using System.Diagnostics.CodeAnalysis;
using Cronos;

namespace Backupd.Scheduling;

/// <summary>
/// A cron expression read in one IANA time zone: the instants at which a schedule is due.
/// </summary>
/// <remarks>
/// <para>
/// Five fields (minute hour day-of-month month day-of-week), or six with a leading seconds
/// field. When both day-of-month and day-of-week are restricted, a day must match both
/// (Cronos' rule; vixie cron would accept either).
/// </para>
/// <para>
/// Daylight saving follows vixie cron: a local time that does not exist (spring forward) runs
/// at the end of the gap; a local time that happens twice (fall back) runs once, unless the
/// expression is interval based (its second, minute or hour field has <c>*</c>, a range or a
/// step, e.g. <c>0 * * * *</c>), which runs at every distinct instant.
/// </para>
/// </remarks>
public sealed class CronSchedule
{
    /// <summary>The zone a schedule uses when none is given.</summary>
    public const string DefaultTimeZoneId = "UTC";

    /// <summary>What a valid expression looks like, for error messages.</summary>
    public const string ExpectedFormat =
        "expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first";

    // Searching backwards starts this close to the instant and doubles; see LastAtOrBefore.
    private static readonly TimeSpan FirstLookBack = TimeSpan.FromMinutes(1);

    private readonly CronExpression _cron;

    private CronSchedule(string expression, CronExpression cron, TimeZoneInfo timeZone)
    {
        Expression = expression;
        _cron = cron;
        TimeZone = timeZone;
    }

    /// <summary>The expression with its fields separated by single spaces.</summary>
    public string Expression { get; }

    /// <summary>The zone the expression is read in; its <see cref="TimeZoneInfo.Id"/> is the IANA id to store.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>
    /// Reads an expression and a time zone; <paramref name="error"/> says what is wrong in
    /// sentences that name the field (<c>'cron'</c>, <c>'timeZone'</c>) and can be shown to a user.
    /// </summary>
    /// <param name="cron">Five fields, or six with seconds first.</param>
    /// <param name="timeZone">An IANA id such as <c>Europe/Berlin</c>; null or blank means <see cref="DefaultTimeZoneId"/>.</param>
    /// <param name="schedule">The schedule, when both are valid.</param>
    /// <param name="error">Every problem found, when either is not valid.</param>
    public static bool TryParse(
        string? cron,
        string? timeZone,
        [NotNullWhen(true)] out CronSchedule? schedule,
        [NotNullWhen(false)] out string? error)
    {
        var cronError = CronScheduleInput.TryReadExpression(cron, out var expression, out var parsed);
        var zoneError = CronScheduleInput.TryFindTimeZone(timeZone, out var zone);

        if (cronError is null && zoneError is null)
        {
            schedule = new CronSchedule(expression!, parsed!, zone!);
            error = null;
            return true;
        }

        schedule = null;
        error = string.Join(" ", new[] { cronError, zoneError }.OfType<string>());
        return false;
    }

    /// <summary>Like <see cref="TryParse"/>, for values that were valid when stored.</summary>
    /// <exception cref="FormatException">Either is not valid; the message is <see cref="TryParse"/>'s error.</exception>
    public static CronSchedule Parse(string cron, string? timeZone = null) =>
        TryParse(cron, timeZone, out var schedule, out var error) ? schedule : throw new FormatException(error);

    /// <summary>The first occurrence strictly after <paramref name="instant"/>, with the zone's offset at that time.</summary>
    /// <returns>Null only when the expression has no occurrence left before the end of Cronos' calendar.</returns>
    public DateTimeOffset? NextAfter(DateTimeOffset instant) =>
        _cron.GetNextOccurrence(instant, TimeZone, inclusive: false);

    /// <summary>Up to <paramref name="count"/> occurrences strictly after <paramref name="from"/>, oldest first, with the zone's offsets.</summary>
    public IReadOnlyList<DateTimeOffset> Next(DateTimeOffset from, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);

        var occurrences = new List<DateTimeOffset>(count);
        var cursor = from;
        while (occurrences.Count < count && NextAfter(cursor) is { } next)
        {
            occurrences.Add(next);
            cursor = next;
        }

        return occurrences;
    }

    /// <summary>
    /// The shortest time between two of the next <paramref name="occurrences"/> occurrences after
    /// <paramref name="from"/>: how often the schedule can fire. <see cref="TimeSpan.MaxValue"/>
    /// when it fires fewer than twice.
    /// </summary>
    public TimeSpan ShortestInterval(DateTimeOffset from, int occurrences = 500)
    {
        var next = Next(from, occurrences);
        return next.Count < 2 ? TimeSpan.MaxValue : next.Zip(next.Skip(1), (a, b) => b - a).Min();
    }

    /// <summary>
    /// The latest occurrence in (<paramref name="notBefore"/>, <paramref name="instant"/>]: the
    /// one a schedule that was last handled at <paramref name="notBefore"/> has most recently missed.
    /// </summary>
    /// <remarks>
    /// Cronos' own <c>GetPreviousOccurrence</c> disagrees with its <c>GetNextOccurrence</c> at
    /// spring forward (for <c>30 2 * * *</c> in Europe/Berlin it answers 01:59:59+01:00 where
    /// the forward search runs at 03:00+02:00), so the answer here is always found by searching
    /// forwards: over the last minute before <paramref name="instant"/>, then over windows that
    /// double. The cost follows how dense the schedule is near <paramref name="instant"/>, not
    /// how long ago <paramref name="notBefore"/> was, so a master that was down for a month
    /// answers as fast as one that was down for a minute.
    /// </remarks>
    public DateTimeOffset? LastAtOrBefore(DateTimeOffset instant, DateTimeOffset notBefore)
    {
        if (instant <= notBefore)
        {
            return null;
        }

        for (var lookBack = FirstLookBack; ; lookBack *= 2)
        {
            var reachesNotBefore = lookBack >= instant - notBefore;
            var after = reachesNotBefore ? notBefore : instant - lookBack;
            if (LastInRange(after, instant) is { } last)
            {
                return last;
            }

            if (reachesNotBefore)
            {
                return null;
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Expression} ({TimeZone.Id})";

    // Latest occurrence in (after, upTo].
    private DateTimeOffset? LastInRange(DateTimeOffset after, DateTimeOffset upTo)
    {
        DateTimeOffset? last = null;
        var cursor = after;
        while (NextAfter(cursor) is { } next && next <= upTo)
        {
            last = next;
            cursor = next;
        }

        return last;
    }
}
