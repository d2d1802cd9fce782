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

    // The next round tries again after a failed one; it only leaves expired entries a little longer.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        lifetime.RunEveryAsync(Period, time, async _ =>
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
        }, LogSweepFailed, stoppingToken);

    [LoggerMessage(LogLevel.Information, "Removed {Count} registration(s) that expired without approval")]
    private partial void LogSwept(int count);

    [LoggerMessage(LogLevel.Warning, "Could not remove expired registrations; trying again in the next round")]
    private partial void LogSweepFailed(Exception exception);
}
