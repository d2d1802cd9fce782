using Backupd.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace Backupd.Tests.Scheduling;

/// <summary>A job the simulated schedule started: for which occurrence, and when.</summary>
internal sealed record SimulatedRun(DateTimeOffset Due, DateTimeOffset StartedAt, bool Late);

/// <summary>
/// Drives <see cref="ScheduleDecision.Decide"/> the way the schedule grain does: a timer tick
/// every second on a fake clock, a job started for every <see cref="ScheduleDecision.RunNow"/>,
/// the watermark moved to its due time. Jobs end before the next tick, so nothing overlaps.
/// </summary>
internal static class ScheduleSimulation
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    /// <summary>The runs of a schedule created at <paramref name="from"/>, ticking until <paramref name="until"/>.</summary>
    public static IReadOnlyList<SimulatedRun> Run(CronSchedule schedule, DateTimeOffset from, DateTimeOffset until)
    {
        var clock = new FakeTimeProvider(from);
        var watermark = from;
        var runs = new List<SimulatedRun>();

        while (clock.GetUtcNow() < until)
        {
            clock.Advance(Tick);
            var now = clock.GetUtcNow();
            switch (ScheduleDecision.Decide(schedule, watermark, now, previousJobActive: false))
            {
                case ScheduleDecision.RunNow run:
                    runs.Add(new SimulatedRun(run.Due, now, run.Late));
                    watermark = run.Due;
                    break;
                case ScheduleDecision.Wait:
                    break;
                case var other:
                    Assert.Fail($"A schedule ticking every second never misses or skips, but at {now:O} it decided {other}.");
                    break;
            }
        }

        return runs;
    }
}
