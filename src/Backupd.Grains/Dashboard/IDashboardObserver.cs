using Orleans.Concurrency;

namespace Backupd.Grains.Dashboard;

/// <summary>A master silo's dashboard, told of each change so its open pages update without polling.</summary>
[Alias("backupd.dashboard.IDashboardObserver")]
public interface IDashboardObserver : IGrainObserver
{
    /// <summary>Something changed; sent and forgotten.</summary>
    [OneWay, Alias("OnChanged")]
    Task OnChangedAsync(DashboardChange change);
}
