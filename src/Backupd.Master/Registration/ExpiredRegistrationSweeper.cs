using Backupd.Contracts.Nodes;
using Backupd.Grains.Nodes;
using Backupd.Master.Hosting;
using Backupd.Master.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Registration;

/// <summary>
/// Removes registrations that expired without approval once they are older than the grace
/// period, which leaves the admin time to see (with <c>?status=expired</c>) that a node tried
/// and why it is not there. Without it every stray or hostile registration stays for ever.
/// </summary>
public sealed partial class ExpiredRegistrationSweeper(
    IGrainFactory grains,
    INodeIndex nodes,
    IOptions<MasterOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ExpiredRegistrationSweeper> logger) : BackgroundService
{
    /// <summary>How often it looks: often enough that a short grace period means what it says, at most every 5 minutes.</summary>
    public TimeSpan Period => TimeSpan.FromTicks(Math.Clamp(options.Value.RegistrationExpiredGrace.Ticks / 2, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute * 5));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WaitUntilStartedAsync(stoppingToken);
            using var timer = new PeriodicTimer(Period, time);
            do
            {
                await SweepAsync();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the next start sweeps again.
        }
    }

    private async Task SweepAsync()
    {
        try
        {
            var expiredBefore = time.GetUtcNow() - options.Value.RegistrationExpiredGrace;
            var removed = 0;
            foreach (var node in await nodes.ListAsync(NodeStatus.Expired))
            {
                removed += await grains.GetGrain<INodeGrain>(node.Id).RemoveIfExpiredAsync(expiredBefore) ? 1 : 0;
            }

            if (removed > 0)
            {
                LogSwept(removed);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next round tries again; a failed sweep only leaves expired entries a little longer.
            LogSweepFailed(ex);
        }
    }

    [LoggerMessage(LogLevel.Information, "Removed {Count} registration(s) that expired without approval")]
    private partial void LogSwept(int count);

    [LoggerMessage(LogLevel.Warning, "Could not remove expired registrations; trying again in the next round")]
    private partial void LogSweepFailed(Exception exception);
}
