using System.Diagnostics;

namespace Backupd.Tests.Modules.Resources;

/// <summary>Notes how late a 20 ms timer fires: a proxy for the host stalling (GC, starved pool).</summary>
internal sealed class HostStallProbe : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private long _last = Stopwatch.GetTimestamp();
    private TimeSpan _worst;
    private TimeSpan _total;

    public HostStallProbe() => _timer = TimeProvider.System.CreateTimer(_ => Tick(), null, Interval, Interval);

    public string Summary()
    {
        lock (_gate)
        {
            return $"timer lateness: worst {_worst.TotalMilliseconds:0} ms, total {_total.TotalMilliseconds:0} ms";
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var late = Stopwatch.GetElapsedTime(_last, now) - Interval;
            _last = now;
            _worst = late > _worst ? late : _worst;
            _total += late > TimeSpan.Zero ? late : TimeSpan.Zero;
        }
    }
}
