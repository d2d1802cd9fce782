using Backupd.Grains.Dashboard;
using Microsoft.AspNetCore.Components;

namespace Backupd.Dashboard.Components.Shared;

/// <summary>
/// A page that reads what it shows again when the feed says something it shows changed. Reads
/// never overlap: changes that arrive during a read are answered by one more read after it.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private IDisposable? _subscription;
    private int _pending;
    private bool _disposed;

    [Inject]
    private DashboardFeed Feed { get; set; } = default!;

    /// <summary>Whether <paramref name="change"/> touches what the page shows.</summary>
    protected abstract bool Shows(DashboardChange change);

    /// <summary>Reads what the page shows.</summary>
    protected abstract Task LoadAsync();

    /// <summary>The least time between two reads a change sets off; none by default.</summary>
    protected virtual TimeSpan MinimumReloadInterval => TimeSpan.Zero;

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        // Left while the first read was under way: subscribing now would keep the dead page fed.
        if (_disposed)
        {
            return;
        }

        _subscription = Feed.Subscribe(change =>
        {
            if (Shows(change) && Interlocked.Increment(ref _pending) == 1)
            {
                _ = InvokeAsync(ReloadAsync);
            }
        });
    }

    private async Task ReloadAsync()
    {
        try
        {
            do
            {
                Volatile.Write(ref _pending, 1);
                await LoadAsync();
                StateHasChanged();
                if (MinimumReloadInterval > TimeSpan.Zero)
                {
                    await Task.Delay(MinimumReloadInterval);
                }
            }
            while (Interlocked.Decrement(ref _pending) > 0);
        }
        catch
        {
            // A failed read must not leave the page deaf: the next change reads again.
            Volatile.Write(ref _pending, 0);
            throw;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _subscription?.Dispose();
        GC.SuppressFinalize(this);
    }
}
