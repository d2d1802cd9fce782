using System.Globalization;
using Backupd.Scheduling;

namespace Backupd.Tests.Scheduling;

public sealed class RetentionPlanTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void No_bundles_plan_nothing()
    {
        var plan = new RetentionPolicy(3, 7, 4, 12).Plan([], Utc);

        Assert.Empty(plan.Keep);
        Assert.Empty(plan.Prune);
    }

    [Fact]
    public void Single_bundle_is_kept_by_every_rule()
    {
        var only = Bundle("2026-11-20T10:00:00Z");

        var plan = new RetentionPolicy(3, 7, 4, 12).Plan([only], Utc);

        var kept = Assert.Single(plan.Keep);
        Assert.Equal(only, kept.Bundle);
        Assert.Equal(["last 3", "daily 2026-11-20", "weekly 2026-W47", "monthly 2026-11"], kept.Reasons);
        Assert.Empty(plan.Prune);
    }

    [Fact]
    public void Keep_last_keeps_the_newest_whatever_their_days()
    {
        var bundles = Bundles("2026-11-20T10:00:00Z", "2026-11-20T11:00:00Z", "2026-11-18T09:00:00Z", "2026-11-20T12:00:00Z");

        var plan = new RetentionPolicy(3, null, null, null).Plan(bundles, Utc);

        Assert.Equal(["2026-11-20T12:00:00Z", "2026-11-20T11:00:00Z", "2026-11-20T10:00:00Z"], KeptTimes(plan));
        Assert.All(plan.Keep, kept => Assert.Equal(["last 3"], kept.Reasons));
        Assert.Equal(["2026-11-18T09:00:00Z"], PrunedTimes(plan));
    }

    [Fact]
    public void Keep_daily_counts_days_that_have_bundles_not_calendar_days()
    {
        // restic's example: bundles on days 1, 1, 2, 5 and 9; keep-daily 3 keeps the newest of days 9, 5 and 2.
        var bundles = Bundles(
            "2026-11-01T08:00:00Z", "2026-11-01T20:00:00Z", "2026-11-02T08:00:00Z", "2026-11-05T08:00:00Z", "2026-11-09T08:00:00Z");

        var plan = new RetentionPolicy(null, 3, null, null).Plan(bundles, Utc);

        Assert.Equal(["2026-11-09T08:00:00Z", "2026-11-05T08:00:00Z", "2026-11-02T08:00:00Z"], KeptTimes(plan));
        Assert.Equal([["daily 2026-11-09"], ["daily 2026-11-05"], ["daily 2026-11-02"]], plan.Keep.Select(kept => kept.Reasons));
        Assert.Equal(["2026-11-01T20:00:00Z", "2026-11-01T08:00:00Z"], PrunedTimes(plan));
    }

    [Fact]
    public void Keep_last_zero_with_daily_two_keeps_the_newest_of_two_days()
    {
        var bundles = Bundles(
            "2026-11-18T06:00:00Z", "2026-11-19T06:00:00Z", "2026-11-19T18:00:00Z", "2026-11-20T06:00:00Z", "2026-11-20T18:00:00Z");

        var plan = new RetentionPolicy(0, 2, null, null).Plan(bundles, Utc);

        Assert.Equal(["2026-11-20T18:00:00Z", "2026-11-19T18:00:00Z"], KeptTimes(plan));
        Assert.Equal(["2026-11-20T06:00:00Z", "2026-11-19T06:00:00Z", "2026-11-18T06:00:00Z"], PrunedTimes(plan));
    }

    [Fact]
    public void Days_are_taken_in_the_schedules_zone()
    {
        // 23:30 UTC on the 20th is 00:30 on the 21st in Berlin.
        var bundles = Bundles("2026-11-19T12:00:00Z", "2026-11-20T22:30:00Z", "2026-11-20T23:30:00Z");
        var policy = new RetentionPolicy(null, 2, null, null);

        var inUtc = policy.Plan(bundles, Utc);
        var inBerlin = policy.Plan(bundles, Berlin);

        Assert.Equal(["2026-11-20T23:30:00Z", "2026-11-19T12:00:00Z"], KeptTimes(inUtc));
        Assert.Equal([["daily 2026-11-20"], ["daily 2026-11-19"]], inUtc.Keep.Select(kept => kept.Reasons));
        Assert.Equal(["2026-11-20T23:30:00Z", "2026-11-20T22:30:00Z"], KeptTimes(inBerlin));
        Assert.Equal([["daily 2026-11-21"], ["daily 2026-11-20"]], inBerlin.Keep.Select(kept => kept.Reasons));
    }

    [Fact]
    public void Weeks_are_ISO_weeks_named_by_their_ISO_year()
    {
        // 2026-12-30 (Wednesday) and 2027-01-02 (Saturday) are both in 2026-W53; 2027-01-04 starts 2027-W01.
        var bundles = Bundles("2026-12-23T12:00:00Z", "2026-12-30T12:00:00Z", "2027-01-02T12:00:00Z", "2027-01-04T12:00:00Z");

        var plan = new RetentionPolicy(null, null, 3, null).Plan(bundles, Utc);

        Assert.Equal(["2027-01-04T12:00:00Z", "2027-01-02T12:00:00Z", "2026-12-23T12:00:00Z"], KeptTimes(plan));
        Assert.Equal([["weekly 2027-W01"], ["weekly 2026-W53"], ["weekly 2026-W52"]], plan.Keep.Select(kept => kept.Reasons));
        Assert.Equal(["2026-12-30T12:00:00Z"], PrunedTimes(plan));
    }

    [Fact]
    public void Months_keep_the_newest_bundle_of_each_month()
    {
        var bundles = Bundles("2026-09-15T12:00:00Z", "2026-09-30T12:00:00Z", "2026-10-01T12:00:00Z", "2026-11-02T12:00:00Z");

        var plan = new RetentionPolicy(null, null, null, 2).Plan(bundles, Utc);

        Assert.Equal(["2026-11-02T12:00:00Z", "2026-10-01T12:00:00Z"], KeptTimes(plan));
        Assert.Equal([["monthly 2026-11"], ["monthly 2026-10"]], plan.Keep.Select(kept => kept.Reasons));
    }

    [Fact]
    public void Three_months_of_four_bundles_a_day()
    {
        // Every 6 hours from 1 September to 30 November 2026. 30 November is a Monday, so
        // ISO week 49 holds only that day; weeks 48, 47 and 46 end on Sundays 29, 22 and 15.
        var bundles = new List<RetainedBundle>();
        for (var at = Instant("2026-09-01T00:00:00Z"); at <= Instant("2026-11-30T18:00:00Z"); at = at.AddHours(6))
        {
            bundles.Add(Bundle(at));
        }

        var plan = new RetentionPolicy(keepLast: 5, keepDaily: 7, keepWeekly: 4, keepMonthly: 3).Plan(bundles, Utc);

        Assert.Equal(
            [
                ("2026-11-30T18:00:00Z", "last 5, daily 2026-11-30, weekly 2026-W49, monthly 2026-11"),
                ("2026-11-30T12:00:00Z", "last 5"),
                ("2026-11-30T06:00:00Z", "last 5"),
                ("2026-11-30T00:00:00Z", "last 5"),
                ("2026-11-29T18:00:00Z", "last 5, daily 2026-11-29, weekly 2026-W48"),
                ("2026-11-28T18:00:00Z", "daily 2026-11-28"),
                ("2026-11-27T18:00:00Z", "daily 2026-11-27"),
                ("2026-11-26T18:00:00Z", "daily 2026-11-26"),
                ("2026-11-25T18:00:00Z", "daily 2026-11-25"),
                ("2026-11-24T18:00:00Z", "daily 2026-11-24"),
                ("2026-11-22T18:00:00Z", "weekly 2026-W47"),
                ("2026-11-15T18:00:00Z", "weekly 2026-W46"),
                ("2026-10-31T18:00:00Z", "monthly 2026-10"),
                ("2026-09-30T18:00:00Z", "monthly 2026-09"),
            ],
            plan.Keep.Select(kept => (Text(kept.Bundle.CreatedAt), string.Join(", ", kept.Reasons))));
        Assert.Equal(91 * 4 - 14, plan.Prune.Count);
        Assert.Equal(bundles.Count, plan.Keep.Count + plan.Prune.Count);
        Assert.Empty(plan.Keep.Select(kept => kept.Bundle).Intersect(plan.Prune));
    }

    [Fact]
    public void Every_valid_policy_keeps_the_newest_bundle_for_a_rule_of_its_own()
    {
        // Random policies over random histories, across Berlin's DST changes; a fixed seed, so a
        // failure can be replayed. The plan must keep the newest bundle, by one of its rules.
        var random = new Random(20261202);
        for (var round = 0; round < 500; round++)
        {
            int? Count() => random.Next(4) switch { 0 => null, 1 => 0, var n => n - 1 };
            var (last, daily, weekly, monthly) = (Count(), Count(), Count(), Count());
            if (!RetentionPolicy.TryCreate(last, daily, weekly, monthly, out var policy, out _))
            {
                continue;
            }

            var start = Instant("2025-10-01T00:00:00Z");
            var bundles = Enumerable.Range(0, random.Next(1, 40))
                .Select(_ => Bundle(start.AddMinutes(random.Next(0, 60 * 24 * 400))))
                .DistinctBy(bundle => bundle.ObjectKey)
                .ToArray();
            var newest = bundles.MaxBy(bundle => bundle.CreatedAt)!;

            var plan = policy.Plan(bundles, Berlin);

            var kept = plan.Keep.FirstOrDefault(k => k.Bundle == newest);
            Assert.True(kept is not null, $"keep {last}/{daily}/{weekly}/{monthly} pruned the newest of {bundles.Length} bundles, {Text(newest.CreatedAt)}");
            Assert.NotEmpty(kept.Reasons);
            Assert.Equal(bundles.Length, plan.Keep.Count + plan.Prune.Count);
        }
    }

    [Fact]
    public void Bundles_made_at_the_same_instant_are_planned_the_same_in_any_order()
    {
        var first = new RetainedBundle("job-a", "site/20261120T100000Z-job-a.tar.zst", Instant("2026-11-20T10:00:00Z"));
        var second = new RetainedBundle("job-b", "site/20261120T100000Z-job-b.tar.zst", Instant("2026-11-20T10:00:00Z"));
        var policy = new RetentionPolicy(1, null, null, null);

        var forwards = policy.Plan([first, second], Utc);
        var backwards = policy.Plan([second, first], Utc);

        Assert.Equal(second, Assert.Single(forwards.Keep).Bundle);
        Assert.Equal(second, Assert.Single(backwards.Keep).Bundle);
    }

    private static DateTimeOffset Instant(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string Text(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static RetainedBundle Bundle(DateTimeOffset createdAt)
    {
        var stamp = createdAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        return new RetainedBundle($"job-{stamp}", $"node/wordpress/example.com/{stamp}-job-{stamp}.tar.zst", createdAt);
    }

    private static RetainedBundle Bundle(string createdAt) => Bundle(Instant(createdAt));

    private static RetainedBundle[] Bundles(params string[] createdAt) => [.. createdAt.Select(Bundle)];

    private static IEnumerable<string> KeptTimes(RetentionPlan plan) => plan.Keep.Select(kept => Text(kept.Bundle.CreatedAt));

    private static IEnumerable<string> PrunedTimes(RetentionPlan plan) => plan.Prune.Select(bundle => Text(bundle.CreatedAt));
}
