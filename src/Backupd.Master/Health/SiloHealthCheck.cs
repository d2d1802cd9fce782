using Backupd.Grains.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Backupd.Master.Health;

/// <summary>Healthy when a grain call completes, which needs a running silo.</summary>
public sealed class SiloHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IHealthProbeGrain>(0).PingAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy("The silo answers grain calls.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The silo does not answer grain calls: " + ex.GetType().Name);
        }
    }
}
