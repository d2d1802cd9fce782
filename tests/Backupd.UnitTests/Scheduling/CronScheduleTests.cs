using Backupd.Scheduling;

namespace Backupd.Tests.Scheduling;

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Five_fields_in_UTC_when_no_zone_is_given()
    {
        Assert.True(CronSchedule.TryParse("30 2 * * *", null, out var schedule, out var error));

        Assert.Null(error);
        Assert.Equal("30 2 * * *", schedule.Expression);
        Assert.Equal("UTC", schedule.TimeZone.Id);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 2, 30, 0, TimeSpan.Zero), schedule.NextAfter(Midnight));
    }

    [Fact]
    public void Six_fields_put_seconds_first()
    {
        var schedule = CronSchedule.Parse("*/10 * * * * *");

        Assert.Equal(Midnight.AddSeconds(10), schedule.NextAfter(Midnight));
    }

    [Fact]
    public void Whitespace_between_fields_is_normalised()
    {
        var schedule = CronSchedule.Parse("  0\t3  * * 1 ", " Europe/Berlin ");

        Assert.Equal("0 3 * * 1", schedule.Expression);
        Assert.Equal("Europe/Berlin", schedule.TimeZone.Id);
        Assert.Equal("0 3 * * 1 (Europe/Berlin)", schedule.ToString());
    }

    [Fact]
    public void Invalid_field_names_the_field_and_the_expected_format()
    {
        Assert.False(CronSchedule.TryParse("61 * * * *", "UTC", out var schedule, out var error));

        Assert.Null(schedule);
        Assert.Equal(
            "'cron': '61 * * * *' is not a valid cron expression: Minutes: Value must be a number between 0 and 59 (all inclusive); "
            + "expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first.",
            error);
    }

    [Theory]
    [InlineData("* * *", "3 fields")]
    [InlineData("@daily", "1 field")]
    [InlineData("0 0 0 * * * 2026", "7 fields")]
    public void Wrong_number_of_fields_is_refused_with_the_count(string cron, string fields)
    {
        Assert.False(CronSchedule.TryParse(cron, null, out _, out var error));

        Assert.Equal(
            $"'cron': '{cron}' is not a valid cron expression: it has {fields}; expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first.",
            error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Missing_expression_is_refused(string? cron)
    {
        Assert.False(CronSchedule.TryParse(cron, null, out _, out var error));

        Assert.Equal($"'cron' is required; expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first.", error);
    }

    [Fact]
    public void Expression_that_matches_no_date_is_refused()
    {
        Assert.False(CronSchedule.TryParse("0 0 30 2 *", null, out _, out var error));

        Assert.Equal("'cron': '0 0 30 2 *' never matches a real date, so it would never run.", error);
    }

    [Theory]
    [InlineData("Mars/Base")]
    [InlineData("Europe")]
    [InlineData("W. Europe Standard Time")]
    [InlineData("+02:00")]
    [InlineData("/usr/share/zoneinfo/UTC")]
    public void Unknown_time_zone_is_refused_with_an_example(string zone)
    {
        Assert.False(CronSchedule.TryParse("0 * * * *", zone, out _, out var error));

        Assert.Equal($"'timeZone': '{zone}' is not a known IANA time zone, e.g. Europe/Berlin.", error);
    }

    [Fact]
    public void Both_problems_are_reported_at_once()
    {
        Assert.False(CronSchedule.TryParse("* * *", "Mars/Base", out _, out var error));

        Assert.StartsWith("'cron': '* * *' is not a valid cron expression", error, StringComparison.Ordinal);
        Assert.EndsWith(" 'timeZone': 'Mars/Base' is not a known IANA time zone, e.g. Europe/Berlin.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_throws_the_same_message()
    {
        var thrown = Assert.Throws<FormatException>(() => CronSchedule.Parse("0 * * * *", "Mars/Base"));

        Assert.Equal("'timeZone': 'Mars/Base' is not a known IANA time zone, e.g. Europe/Berlin.", thrown.Message);
    }

    [Fact]
    public void Next_after_an_occurrence_is_the_following_one()
    {
        var hourly = CronSchedule.Parse("0 * * * *");

        Assert.Equal(Midnight.AddHours(1), hourly.NextAfter(Midnight));
        Assert.Equal(Midnight.AddHours(1), hourly.NextAfter(Midnight.AddMinutes(59).AddSeconds(59)));
    }

    [Fact]
    public void Next_occurrences_carry_the_zone_offset_of_their_own_date()
    {
        var daily = CronSchedule.Parse("0 12 * * *", "Europe/Berlin");

        var next = daily.Next(new DateTimeOffset(2026, 10, 24, 0, 0, 0, TimeSpan.Zero), 3);

        Assert.Equal(
            [
                new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.FromHours(2)),
                new DateTimeOffset(2026, 10, 25, 12, 0, 0, TimeSpan.FromHours(1)),
                new DateTimeOffset(2026, 10, 26, 12, 0, 0, TimeSpan.FromHours(1)),
            ],
            next);
        Assert.Equal([TimeSpan.FromHours(2), TimeSpan.FromHours(1), TimeSpan.FromHours(1)], next.Select(occurrence => occurrence.Offset));
    }

    [Fact]
    public void Next_zero_is_empty_and_negative_is_refused()
    {
        var hourly = CronSchedule.Parse("0 * * * *");

        Assert.Empty(hourly.Next(Midnight, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => hourly.Next(Midnight, -1));
    }

    [Fact]
    public void Last_at_or_before_includes_the_instant_and_excludes_not_before()
    {
        var hourly = CronSchedule.Parse("0 * * * *");

        Assert.Equal(Midnight.AddHours(3), hourly.LastAtOrBefore(Midnight.AddHours(3), Midnight));
        Assert.Equal(Midnight.AddHours(3), hourly.LastAtOrBefore(Midnight.AddHours(3).AddMinutes(59), Midnight));
        Assert.Null(hourly.LastAtOrBefore(Midnight.AddMinutes(59), Midnight));
        Assert.Null(hourly.LastAtOrBefore(Midnight, Midnight));
        Assert.Null(hourly.LastAtOrBefore(Midnight, Midnight.AddHours(1)));
    }

    [Fact]
    public void Last_at_or_before_finds_a_far_occurrence_of_a_sparse_schedule()
    {
        var yearly = CronSchedule.Parse("0 0 1 1 *");

        Assert.Equal(
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            yearly.LastAtOrBefore(Midnight, Midnight.AddYears(-3)));
    }

    [Fact]
    public void Last_at_or_before_of_a_dense_schedule_after_a_long_gap_is_exact()
    {
        var everyTenSeconds = CronSchedule.Parse("*/10 * * * * *");

        Assert.Equal(Midnight.AddSeconds(-10), everyTenSeconds.LastAtOrBefore(Midnight.AddSeconds(-1), Midnight.AddYears(-1)));
    }

    [Fact]
    public void Last_at_or_before_agrees_with_next_after_at_spring_forward()
    {
        // 02:30 does not exist in Berlin on 2026-03-29; the run is at 03:00 CEST, both ways round.
        var daily = CronSchedule.Parse("30 2 * * *", "Europe/Berlin");
        var transition = new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2));
        var dayBefore = new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.FromHours(1));

        Assert.Equal(transition, daily.NextAfter(dayBefore));
        Assert.Equal(transition, daily.LastAtOrBefore(transition.AddMinutes(30), dayBefore));
    }
}
