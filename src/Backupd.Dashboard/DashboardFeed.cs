using System.Collections.Immutable;
using Backupd.Grains.Dashboard;
using Backupd.Master.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backupd.Dashboard;

/// <summary>
/// This silo's subscription to the cluster's <see cref="IDashboardFeedGrain"/>: each change a grain
/// publishes reaches every open page here through <see cref="Subscribe"/>, so pages update when
/// something happens, never by re-reading on a timer. Renewed every minute.
/// </summary>
public sealed partial class DashboardFeed(IGrainFactory grains, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<DashboardFeed> logger)
    : BackgroundService, IDashboardObserver
{
    private static readonly TimeSpan RenewEvery = TimeSpan.FromMinutes(1);
    // Copied on write: a change is delivered while pages come and go.
    private ImmutableArray<Action<DashboardChange>> _listeners = [];
    private IDashboardObserver? _reference;
    private long _changes;

    /// <summary>How many changes this silo has been told of: a read made after it moved may be stale.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>Calls <paramref name="listener"/> with each change until the result is disposed.</summary>
    public IDisposable Subscribe(Action<DashboardChange> listener)
    {
        ImmutableInterlocked.Update(ref _listeners, listeners => listeners.Add(listener));
        return new Subscription(this, listener);
    }

    public Task OnChangedAsync(DashboardChange change)
    {
        // Counted before any page hears of it, so a page's read after the change sees the new count.
        Interlocked.Increment(ref _changes);
        foreach (var listener in _listeners)
        {
            try
            {
                listener(change);
            }
            catch (Exception ex)
            {
                // One page's fault must not keep the change from the others.
                LogListenerFailed(ex);
            }
        }

        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WaitUntilStartedAsync(stoppingToken);
            _reference = grains.CreateObjectReference<IDashboardObserver>(this);
            using var timer = new PeriodicTimer(RenewEvery, time);
            do
            {
                try
                {
                    await grains.DashboardFeed().SubscribeAsync(_reference);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSubscribeFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_reference is not null)
        {
            try
            {
                await grains.DashboardFeed().UnsubscribeAsync(_reference).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or OperationCanceledException)
            {
                // The subscription lapses by itself.
            }

            grains.DeleteObjectReference<IDashboardObserver>(_reference);
        }
    }

    private void Remove(Action<DashboardChange> listener) =>
        ImmutableInterlocked.Update(ref _listeners, listeners => listeners.Remove(listener));

    [LoggerMessage(LogLevel.Warning, "An open dashboard page failed to take a change")]
    private partial void LogListenerFailed(Exception exception);

    [LoggerMessage(LogLevel.Warning, "Could not subscribe to the dashboard feed; open pages update when reloaded until the next try in a minute")]
    private partial void LogSubscribeFailed(Exception exception);

    private sealed class Subscription(DashboardFeed feed, Action<DashboardChange> listener) : IDisposable
    {
        public void Dispose() => feed.Remove(listener);
    }
}
