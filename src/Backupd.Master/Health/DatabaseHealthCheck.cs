using Backupd.Master.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Backupd.Master.Health;

/// <summary>Healthy when the master's database answers a query on the schema table.</summary>
public sealed class DatabaseHealthCheck(SqliteDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var version = await SqliteSchemaMigrator.ReadVersionAsync(connection, cancellationToken);
            return HealthCheckResult.Healthy($"Schema version {version}.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The database does not answer: " + ex.Message);
        }
    }
}
