using System.Net;
using Backupd.TestBed;
using Backupd.Tests.Processes;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Backupd.Tests.Nodes;

/// <summary>
/// The probe that shows the master speaks no Orleans to the outside does connect where a silo
/// has a gateway, so its "no" means something.
/// </summary>
public sealed class OrleansClientProbeTests
{
    [Fact]
    public async Task The_probe_connects_to_a_silo_that_has_a_gateway()
    {
        var gatewayPort = FreePort.Next();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort.Next(), gatewayPort);
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = "probe-control";
                cluster.ServiceId = "probe-control";
            });
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            Assert.True(await OrleansClientProbe.ConnectsAsync(gatewayPort, "probe-control", "probe-control"));
            Assert.False(await OrleansClientProbe.ConnectsAsync(gatewayPort, "another-cluster", "probe-control"));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
