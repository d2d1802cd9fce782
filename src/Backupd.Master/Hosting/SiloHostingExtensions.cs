using System.Net;
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
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            // Nodes on other hosts reach the gateway at BACKUPD_GATEWAY_HOST; the silo port stays on loopback.
            if (IPAddress.TryParse(options.GatewayHost, out var gatewayAddress) && !gatewayAddress.Equals(IPAddress.Loopback))
            {
                silo.Configure<EndpointOptions>(endpoints => endpoints.GatewayListeningEndpoint = new IPEndPoint(gatewayAddress, options.GatewayPort));
            }

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
            storage.ConnectionString = database.ConnectionString;
        });
        silo.UseAdoNetReminderService(reminders =>
        {
            reminders.Invariant = SqliteDatabase.OrleansInvariant;
            reminders.ConnectionString = database.ConnectionString;
        });
        return silo;
    }
}
