using Microsoft.Extensions.Hosting;

namespace Backupd.Master.Persistence;

/// <summary>
/// Applies the schema before anything reads the database.
/// </summary>
/// <remarks>
/// Registered before the silo: hosted services start in registration order, and Orleans'
/// reminder service refuses to start when its queries are not in <c>OrleansQuery</c> yet.
/// </remarks>
public sealed class SchemaMigrationService(SqliteSchemaMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.ApplyAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
