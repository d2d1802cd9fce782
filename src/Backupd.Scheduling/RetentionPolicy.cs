using System.Diagnostics.CodeAnalysis;

namespace Backupd.Scheduling;

/// <summary>
/// How many of a schedule's successful bundles to keep, with the meaning of restic's
/// <c>forget --keep-last --keep-daily --keep-weekly --keep-monthly</c>.
/// </summary>
/// <remarks>
/// A bundle is kept when any rule keeps it; every other bundle is pruned. Days, ISO weeks and
/// months count only if they have bundles: keep-daily 3 keeps the newest bundle of each of the
/// three newest days that have one, however far apart. A null or zero count turns a rule off,
/// and at least one rule must keep something: a schedule that never prunes has no policy.
/// </remarks>
public sealed record RetentionPolicy
{
    /// <summary>Makes a policy.</summary>
    /// <exception cref="ArgumentException">A count is negative or every count is null or zero; the message is <see cref="TryCreate"/>'s error.</exception>
    public RetentionPolicy(int? keepLast, int? keepDaily, int? keepWeekly, int? keepMonthly)
    {
        if (Validate(keepLast, keepDaily, keepWeekly, keepMonthly) is { } error)
        {
            throw new ArgumentException(error);
        }

        KeepLast = keepLast;
        KeepDaily = keepDaily;
        KeepWeekly = keepWeekly;
        KeepMonthly = keepMonthly;
    }

    /// <summary>Keep this many newest bundles.</summary>
    public int? KeepLast { get; }

    /// <summary>Keep the newest bundle of each of this many newest days that have bundles.</summary>
    public int? KeepDaily { get; }

    /// <summary>Keep the newest bundle of each of this many newest ISO weeks that have bundles.</summary>
    public int? KeepWeekly { get; }

    /// <summary>Keep the newest bundle of each of this many newest months that have bundles.</summary>
    public int? KeepMonthly { get; }

    /// <summary>
    /// Makes a policy, or says what is wrong in sentences that name the field
    /// (<c>'keepDaily'</c>, …) and can be shown to a user.
    /// </summary>
    public static bool TryCreate(
        int? keepLast,
        int? keepDaily,
        int? keepWeekly,
        int? keepMonthly,
        [NotNullWhen(true)] out RetentionPolicy? policy,
        [NotNullWhen(false)] out string? error)
    {
        error = Validate(keepLast, keepDaily, keepWeekly, keepMonthly);
        policy = error is null ? new RetentionPolicy(keepLast, keepDaily, keepWeekly, keepMonthly) : null;
        return policy is not null;
    }

    /// <summary>
    /// Splits one schedule's successful bundles into those to keep and those to prune, with
    /// days, weeks and months taken in <paramref name="zone"/> (the schedule's zone).
    /// </summary>
    /// <remarks>
    /// The newest bundle is always kept, so a schedule always has a bundle to restore: a policy
    /// keeps something by construction (one count above 0), and every rule that keeps anything
    /// keeps the first bundle it meets, the newest. Bundles made at the same instant are ordered
    /// by object key, so the plan does not depend on the order given.
    /// </remarks>
    public RetentionPlan Plan(IReadOnlyList<RetainedBundle> bundles, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(bundles);
        ArgumentNullException.ThrowIfNull(zone);

        RetentionRule[] rules =
        [
            RetentionRule.Last(KeepLast),
            RetentionRule.Daily(KeepDaily),
            RetentionRule.Weekly(KeepWeekly),
            RetentionRule.Monthly(KeepMonthly),
        ];

        var keep = new List<KeptBundle>();
        var prune = new List<RetainedBundle>();
        var newestFirst = bundles
            .OrderByDescending(bundle => bundle.CreatedAt)
            .ThenByDescending(bundle => bundle.ObjectKey, StringComparer.Ordinal);
        foreach (var (position, bundle) in newestFirst.Index())
        {
            var local = TimeZoneInfo.ConvertTime(bundle.CreatedAt, zone).DateTime;
            var reasons = rules.Select(rule => rule.Keeps(local, position)).OfType<string>().ToList();
            if (reasons.Count > 0)
            {
                keep.Add(new KeptBundle(bundle, reasons));
            }
            else
            {
                prune.Add(bundle);
            }
        }

        return new RetentionPlan(keep, prune);
    }

    private static string? Validate(int? keepLast, int? keepDaily, int? keepWeekly, int? keepMonthly)
    {
        (string Field, int? Count)[] counts =
        [
            ("keepLast", keepLast),
            ("keepDaily", keepDaily),
            ("keepWeekly", keepWeekly),
            ("keepMonthly", keepMonthly),
        ];

        var negative = counts
            .Where(count => count.Count < 0)
            .Select(count => $"'{count.Field}' must be 0 or more, not {count.Count}.")
            .ToList();
        if (negative.Count > 0)
        {
            return string.Join(" ", negative);
        }

        return counts.Any(count => count.Count > 0)
            ? null
            : "A retention policy must keep something: set at least one of keepLast, keepDaily, keepWeekly or keepMonthly above 0.";
    }
}
