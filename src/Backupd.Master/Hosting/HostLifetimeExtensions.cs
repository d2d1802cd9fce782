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

    /// <summary>
    /// Runs <paramref name="round"/> once the host has started and then every <paramref name="period"/>
    /// until stopping: the master's upkeep (job history, kept copies, storage leftovers, expired
    /// registrations). A round that throws is passed to <paramref name="failed"/> and the next one
    /// runs on time.
    /// </summary>
    public static async Task RunEveryAsync(
        this IHostApplicationLifetime lifetime, TimeSpan period, TimeProvider time, Func<CancellationToken, Task> round, Action<Exception> failed, CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WaitUntilStartedAsync(stoppingToken);
            using var timer = new PeriodicTimer(period, time);
            do
            {
                try
                {
                    await round(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the next start runs a round at once.
        }
    }
}
