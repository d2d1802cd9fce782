using Backupd.Scheduling;
using static Backupd.Scheduling.ScheduleDecision;

namespace Backupd.Tests.Scheduling;

public sealed class ScheduleDecisionTests
{
    private static readonly CronSchedule Hourly = CronSchedule.Parse("0 * * * *");
    private static readonly DateTimeOffset One = new(2026, 11, 20, 1, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(int hour, int minute = 0, int second = 0) =>
        new(2026, 11, 20, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void Nothing_due_waits_for_the_next_occurrence()
    {
        Assert.Equal(new Wait(At(2)), Decide(Hourly, One, At(1, 59, 59), previousJobActive: false));
    }

    [Fact]
    public void Tick_at_the_due_time_runs_on_time()
    {
        Assert.Equal(new RunNow(At(2), Late: false, EarlierMissed: null), Decide(Hourly, One, At(2), previousJobActive: false));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(29)]
    public void Tick_a_few_seconds_after_the_due_time_is_not_late(int seconds)
    {
        Assert.Equal(new RunNow(At(2), Late: false, null), Decide(Hourly, One, At(2, 0, seconds), previousJobActive: false));
    }

    [Theory]
    [InlineData(30)]
    [InlineData(59 * 60)]
    public void Run_30_seconds_or_more_after_the_due_time_is_late(int seconds)
    {
        Assert.Equal(new RunNow(At(2), Late: true, null), Decide(Hourly, One, At(2).AddSeconds(seconds), previousJobActive: false));
    }

    [Fact]
    public void Handled_occurrence_is_not_run_again()
    {
        Assert.Equal(new Wait(At(3)), Decide(Hourly, At(2), At(2, 0, 1), previousJobActive: false));
        Assert.Equal(new Wait(At(3)), Decide(Hourly, At(2), At(2, 40), previousJobActive: false));
    }

    [Fact]
    public void Several_missed_occurrences_run_once_for_the_latest_and_report_the_others()
    {
        // Handled 01:00, master down until 04:20: 02:00 and 03:00 are gone, 04:00 runs late.
        var decision = Decide(Hourly, One, At(4, 20), previousJobActive: false);

        Assert.Equal(new RunNow(At(4), Late: true, new MissedOccurrences(At(2), At(3))), decision);
        Assert.Equal(new Wait(At(5)), Decide(Hourly, At(4), At(4, 20, 1), previousJobActive: false));
    }

    [Fact]
    public void One_earlier_missed_occurrence_is_both_first_and_last()
    {
        var decision = Decide(Hourly, One, At(3, 10), previousJobActive: false);

        Assert.Equal(new RunNow(At(3), Late: true, new MissedOccurrences(At(2), At(2))), decision);
    }

    [Fact]
    public void Latest_missed_occurrence_beyond_the_window_is_recorded_not_run()
    {
        var window = TimeSpan.FromMinutes(10);

        var decision = Decide(Hourly, One, At(4, 20), previousJobActive: false, window);

        Assert.Equal(new MissedBeyondWindow(At(4), new MissedOccurrences(At(2), At(3))), decision);
        Assert.Equal(new Wait(At(5)), Decide(Hourly, At(4), At(4, 20), previousJobActive: false, window));
    }

    [Fact]
    public void Default_window_is_one_hour_and_its_edge_still_runs()
    {
        var daily = CronSchedule.Parse("0 2 * * *");
        var due = At(2);
        var handled = due.AddDays(-1);

        Assert.Equal(new RunNow(due, Late: true, null), Decide(daily, handled, due.AddHours(1), previousJobActive: false));
        Assert.Equal(new MissedBeyondWindow(due, null), Decide(daily, handled, due.AddHours(1).AddSeconds(1), previousJobActive: false));
    }

    [Fact]
    public void Window_is_per_schedule()
    {
        var daily = CronSchedule.Parse("0 2 * * *");
        var handled = At(2).AddDays(-1);

        Assert.IsType<RunNow>(Decide(daily, handled, At(5), previousJobActive: false, TimeSpan.FromHours(4)));
        Assert.IsType<MissedBeyondWindow>(Decide(daily, handled, At(5), previousJobActive: false, TimeSpan.FromHours(2)));
    }

    [Fact]
    public void Zero_window_never_catches_up_but_still_runs_on_time()
    {
        Assert.Equal(new RunNow(At(2), Late: false, null), Decide(Hourly, One, At(2, 0, 3), previousJobActive: false, TimeSpan.Zero));
        Assert.Equal(new MissedBeyondWindow(At(2), null), Decide(Hourly, One, At(2, 0, 30), previousJobActive: false, TimeSpan.Zero));
    }

    [Fact]
    public void Previous_job_still_active_skips_the_occurrence_with_the_reason()
    {
        var decision = Decide(Hourly, One, At(2, 0, 1), previousJobActive: true);

        Assert.Equal(new Skip(At(2), "the previous job of this schedule is still pending or running", null), decision);
        Assert.Equal(new Wait(At(3)), Decide(Hourly, At(2), At(2, 0, 2), previousJobActive: true));
    }

    [Fact]
    public void Skip_reports_earlier_missed_occurrences_too()
    {
        var decision = Decide(Hourly, One, At(3, 5), previousJobActive: true);

        Assert.Equal(new Skip(At(3), "the previous job of this schedule is still pending or running", new MissedOccurrences(At(2), At(2))), decision);
    }

    [Fact]
    public void Missed_beyond_the_window_is_reported_as_missed_even_while_a_job_is_active()
    {
        Assert.Equal(new MissedBeyondWindow(At(2), null), Decide(Hourly, One, At(2, 30), previousJobActive: true, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void New_schedule_does_not_count_occurrences_before_it_was_created_as_missed()
    {
        var created = At(1, 30);

        Assert.Equal(new Wait(At(2)), Decide(Hourly, created, created.AddSeconds(1), previousJobActive: false));
    }

    [Fact]
    public void Clock_behind_the_watermark_waits_for_the_occurrence_after_the_watermark()
    {
        Assert.Equal(new Wait(At(3)), Decide(Hourly, At(2), At(1, 59), previousJobActive: false));
    }

    [Fact]
    public void Negative_window_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Decide(Hourly, One, At(2), previousJobActive: false, TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Outage_across_spring_forward_runs_the_shifted_occurrence_late()
    {
        // 02:30 does not exist in Berlin on 2026-03-29; that day's run is due at 03:00 CEST.
        var daily = CronSchedule.Parse("30 2 * * *", "Europe/Berlin");
        var handled = new DateTimeOffset(2026, 3, 28, 2, 30, 0, TimeSpan.FromHours(1));
        var backAt = new DateTimeOffset(2026, 3, 29, 3, 20, 0, TimeSpan.FromHours(2));

        var decision = Decide(daily, handled, backAt, previousJobActive: false);

        Assert.Equal(new RunNow(new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2)), Late: true, null), decision);
    }
}
