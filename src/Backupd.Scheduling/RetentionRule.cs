using System.Globalization;

namespace Backupd.Scheduling;

/// <summary>
/// One <c>keep-*</c> rule while a plan is made: it keeps the first bundle it meets in each new
/// bucket (a day, a week, …) until it has kept its count. Bundles arrive newest first, so that
/// is the newest bundle of each of the newest buckets that have bundles, as restic counts them.
/// </summary>
internal sealed class RetentionRule
{
    private readonly Func<DateTime, int, string> _bucketOf;
    private readonly Func<string, string> _reason;
    private int _remaining;
    private string? _lastBucket;

    private RetentionRule(int? count, Func<DateTime, int, string> bucketOf, Func<string, string> reason)
    {
        _remaining = count ?? 0;
        _bucketOf = bucketOf;
        _reason = reason;
    }

    /// <summary>The <paramref name="count"/> newest bundles: every bundle is its own bucket.</summary>
    internal static RetentionRule Last(int? count) =>
        new(count, (_, position) => position.ToString(CultureInfo.InvariantCulture), _ => $"last {count}");

    /// <summary>The newest bundle of each local day.</summary>
    internal static RetentionRule Daily(int? count) =>
        new(count, (local, _) => local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), day => $"daily {day}");

    /// <summary>The newest bundle of each ISO week, named by its ISO year (2027-01-01 is in 2026-W53).</summary>
    internal static RetentionRule Weekly(int? count) =>
        new(count, (local, _) => IsoWeek(local), week => $"weekly {week}");

    /// <summary>The newest bundle of each calendar month.</summary>
    internal static RetentionRule Monthly(int? count) =>
        new(count, (local, _) => local.ToString("yyyy-MM", CultureInfo.InvariantCulture), month => $"monthly {month}");

    /// <summary>Whether this rule keeps the bundle made at local time <paramref name="local"/>, the <paramref name="position"/>-th newest; if so, why.</summary>
    internal string? Keeps(DateTime local, int position)
    {
        if (_remaining == 0)
        {
            return null;
        }

        var bucket = _bucketOf(local, position);
        if (bucket == _lastBucket)
        {
            return null;
        }

        _lastBucket = bucket;
        _remaining--;
        return _reason(bucket);
    }

    private static string IsoWeek(DateTime local) =>
        string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(local):D4}-W{ISOWeek.GetWeekOfYear(local):D2}");
}
