using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Backupd.Grains.Dashboard;

/// <summary>
/// Fans changes out to the subscribed dashboards. Holds nothing durable: the renewals every minute
/// keep it active, a silo that restarts subscribes again, and a change missed meanwhile shows at
/// the page's next read.
/// </summary>
public sealed class DashboardFeedGrain(ILogger<DashboardFeedGrain> logger) : Grain, IDashboardFeedGrain
{
    /// <summary>A subscriber must renew within this long; a silo that died stops being sent to after it.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(3);

    private readonly ObserverManager<IDashboardObserver> _observers = new(SubscriptionLifetime, logger);

    public Task SubscribeAsync(IDashboardObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IDashboardObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task PublishAsync(DashboardChange change) =>
        _observers.Count == 0 ? Task.CompletedTask : _observers.Notify(observer => observer.OnChangedAsync(change));
}
