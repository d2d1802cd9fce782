using Backupd.Scheduling;

namespace Backupd.Tests.Scheduling;

/// <summary>Europe/Berlin in 2026: clocks go 02:00 → 03:00 on 29 March and 03:00 → 02:00 on 25 October.</summary>
public sealed class DaylightSavingTests
{
    private const string Berlin = "Europe/Berlin";
    private static readonly TimeZoneInfo BerlinZone = TimeZoneInfo.FindSystemTimeZoneById(Berlin);
    private static readonly TimeSpan Winter = TimeSpan.FromHours(1);
    private static readonly TimeSpan Summer = TimeSpan.FromHours(2);
    private static readonly DateOnly SpringForward = new(2026, 3, 29);
    private static readonly DateOnly FallBack = new(2026, 10, 25);

    [Fact]
    public void Daily_0230_runs_once_on_each_day_around_spring_forward()
    {
        var runs = SimulateLocalDays("30 2 * * *", SpringForward.AddDays(-2), SpringForward.AddDays(2));

        Assert.Equal(Enumerable.Repeat(1, 5), RunsPerLocalDay(runs, SpringForward.AddDays(-2), 5));
        // 02:30 does not exist that day: the run is at the end of the gap.
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 3, 0, 0, Summer), Assert.Single(RunsOn(runs, SpringForward)).Due);
        AssertEveryRunStartedOnTime(runs);
    }

    [Fact]
    public void Daily_0230_runs_once_on_each_day_around_fall_back()
    {
        var runs = SimulateLocalDays("30 2 * * *", FallBack.AddDays(-2), FallBack.AddDays(2));

        Assert.Equal(Enumerable.Repeat(1, 5), RunsPerLocalDay(runs, FallBack.AddDays(-2), 5));
        // 02:30 happens twice that day: the run is at the first, in summer time.
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 2, 30, 0, Summer), Assert.Single(RunsOn(runs, FallBack)).Due);
        AssertEveryRunStartedOnTime(runs);
    }

    [Fact]
    public void Daily_with_seconds_field_behaves_the_same()
    {
        var runs = SimulateLocalDays("0 30 2 * * *", FallBack.AddDays(-1), FallBack.AddDays(1));

        Assert.Equal([1, 1, 1], RunsPerLocalDay(runs, FallBack.AddDays(-1), 3));
    }

    [Fact]
    public void Hourly_runs_at_each_of_the_25_hours_of_the_fall_back_day()
    {
        var runs = SimulateLocalDays("0 * * * *", FallBack.AddDays(-1), FallBack.AddDays(1));

        var fallBackDay = RunsOn(runs, FallBack);
        Assert.Equal(25, fallBackDay.Count);
        Assert.Equal(25, fallBackDay.Select(run => run.Due.UtcDateTime).Distinct().Count());
        Assert.All(fallBackDay.Zip(fallBackDay.Skip(1)), pair => Assert.Equal(TimeSpan.FromHours(1), pair.Second.Due - pair.First.Due));
        Assert.Equal([24, 25, 24], RunsPerLocalDay(runs, FallBack.AddDays(-1), 3));
        Assert.Equal(
            [new DateTimeOffset(2026, 10, 25, 2, 0, 0, Summer), new DateTimeOffset(2026, 10, 25, 2, 0, 0, Winter)],
            fallBackDay.Select(run => run.Due).Where(due => TimeZoneInfo.ConvertTime(due, BerlinZone).Hour == 2));
        AssertEveryRunStartedOnTime(runs);
    }

    [Fact]
    public void Hourly_runs_23_times_on_the_spring_forward_day()
    {
        var runs = SimulateLocalDays("0 * * * *", SpringForward.AddDays(-1), SpringForward.AddDays(1));

        Assert.Equal([24, 23, 24], RunsPerLocalDay(runs, SpringForward.AddDays(-1), 3));
        Assert.All(runs.Zip(runs.Skip(1)), pair => Assert.Equal(TimeSpan.FromHours(1), pair.Second.Due - pair.First.Due));
        AssertEveryRunStartedOnTime(runs);
    }

    [Fact]
    public void Every_15_minutes_keeps_its_interval_through_both_changes()
    {
        var spring = SimulateLocalDays("*/15 * * * *", SpringForward, SpringForward);
        var autumn = SimulateLocalDays("*/15 * * * *", FallBack, FallBack);

        Assert.Equal(23 * 4, spring.Count);
        Assert.Equal(25 * 4, autumn.Count);
        Assert.All(spring.Zip(spring.Skip(1)).Concat(autumn.Zip(autumn.Skip(1))), pair => Assert.Equal(TimeSpan.FromMinutes(15), pair.Second.Due - pair.First.Due));
        AssertEveryRunStartedOnTime(spring);
        AssertEveryRunStartedOnTime(autumn);
    }

    [Fact]
    public void Daily_0230_in_UTC_ignores_Berlin_changes()
    {
        var schedule = CronSchedule.Parse("30 2 * * *");
        var from = new DateTimeOffset(2026, 10, 24, 0, 0, 0, TimeSpan.Zero);

        var runs = ScheduleSimulation.Run(schedule, from, from.AddDays(3));

        Assert.Equal([from.AddHours(2.5), from.AddHours(26.5), from.AddHours(50.5)], runs.Select(run => run.Due));
    }

    // Created a second before local midnight of `first`, so that midnight is its first
    // occurrence; ticked until a second before the midnight after `last`.
    private static IReadOnlyList<SimulatedRun> SimulateLocalDays(string cron, DateOnly first, DateOnly last)
    {
        var schedule = CronSchedule.Parse(cron, Berlin);
        var second = TimeSpan.FromSeconds(1);
        return ScheduleSimulation.Run(schedule, LocalMidnight(first) - second, LocalMidnight(last.AddDays(1)) - second);
    }

    private static DateTimeOffset LocalMidnight(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, BerlinZone.GetUtcOffset(local));
    }

    private static DateOnly LocalDay(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, BerlinZone).DateTime);

    private static List<SimulatedRun> RunsOn(IEnumerable<SimulatedRun> runs, DateOnly day) =>
        runs.Where(run => LocalDay(run.Due) == day).ToList();

    private static IEnumerable<int> RunsPerLocalDay(IReadOnlyList<SimulatedRun> runs, DateOnly first, int days) =>
        Enumerable.Range(0, days).Select(offset => RunsOn(runs, first.AddDays(offset)).Count);

    // The product promise: a job is created within 5 s of its cron time.
    private static void AssertEveryRunStartedOnTime(IReadOnlyList<SimulatedRun> runs) =>
        Assert.All(runs, run =>
        {
            Assert.InRange(run.StartedAt - run.Due, TimeSpan.Zero, TimeSpan.FromSeconds(5));
            Assert.False(run.Late);
        });
}
