using Backupd.Master.Options;
using Backupd.Master.Persistence;
using Backupd.Master.Security;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Backupd.Master.Hosting;

/// <summary>Composes the master's Orleans silo.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// Adds a single silo on localhost clustering whose grain state and reminders live in the
    /// embedded SQLite file.
    /// </summary>
    public static IHostApplicationBuilder AddBackupdSilo(this IHostApplicationBuilder builder, MasterOptions options, SqliteDatabase database)
    {
        builder.UseOrleans(silo =>
        {
            // Gateway port 0: no gateway. Nodes use the node API; Orleans' gateway trusts whoever connects.
            silo.UseLocalhostClustering(options.SiloPort, gatewayPort: 0, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            silo.AddBackupdSqliteStorage(database);
            silo.AddBackupdCallGuard();
        });
        return builder;
    }

    /// <summary>Keeps grain state and reminders in the SQLite file, whose schema must already be applied.</summary>
    public static ISiloBuilder AddBackupdSqliteStorage(this ISiloBuilder silo, SqliteDatabase database)
    {
        silo.AddAdoNetGrainStorage(Grains.StorageNames.Master, storage =>
        {
            storage.Invariant = SqliteDatabase.OrleansInvariant;
            storage.DataSource = database.Connections;
        });
        silo.UseAdoNetReminderService(reminders =>
        {
            reminders.Invariant = SqliteDatabase.OrleansInvariant;
            reminders.DataSource = database.Connections;
        });
        return silo;
    }
}
