using Orleans.Concurrency;

namespace Backupd.Grains.Dashboard;

/// <summary>
/// The cluster's one feed of changes for the dashboards (key 0): grains publish to it, and each
/// master silo's dashboard subscribes to it. Nodes never reach it (it is not node-facing).
/// </summary>
[Alias("backupd.dashboard.IDashboardFeedGrain")]
public interface IDashboardFeedGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or renews a subscription; one not renewed within <see cref="DashboardFeedGrain.SubscriptionLifetime"/> lapses.</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(IDashboardObserver observer);

    /// <summary>Ends a subscription.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IDashboardObserver observer);

    /// <summary>Passes a change on to every subscriber; the publisher does not wait for them.</summary>
    [OneWay, Alias("Publish")]
    Task PublishAsync(DashboardChange change);
}

/// <summary>Reaching the one feed.</summary>
public static class DashboardFeedGrains
{
    /// <summary>The cluster's dashboard feed.</summary>
    public static IDashboardFeedGrain DashboardFeed(this IGrainFactory grains) => grains.GetGrain<IDashboardFeedGrain>(0);

    /// <summary>Tells open dashboards that <paramref name="id"/> of <paramref name="topic"/> changed; the caller does not wait.</summary>
    public static void PublishDashboardChange(this IGrainFactory grains, DashboardTopic topic, string id) =>
        grains.DashboardFeed().PublishAsync(new DashboardChange(topic, id)).Ignore();
}
