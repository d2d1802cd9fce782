using Microsoft.Extensions.Hosting;

namespace Backupd.Master.Hosting;

/// <summary>Waiting for the host, for background services that need the silo and the API up first.</summary>
public static class HostLifetimeExtensions
{
    /// <summary>Completes once the host has started (the silo is up), or throws when <paramref name="cancellationToken"/> fires first.</summary>
    public static async Task WaitUntilStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(cancellationToken);
    }
}
