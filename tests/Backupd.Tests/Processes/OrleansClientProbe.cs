using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Backupd.Tests.Processes;

/// <summary>
/// An Orleans client pointed at one port: whether it gets as far as a connected client, the first
/// step of every attack that Orleans' own gateway lets through (forged responses, calls to any
/// grain, observers pointing anywhere, system targets rerouted).
/// </summary>
public static class OrleansClientProbe
{
    /// <summary>True when an Orleans client connected through <paramref name="port"/> within 10 s.</summary>
    public static async Task<bool> ConnectsAsync(int port, string clusterId = "backupd", string serviceId = "backupd")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, port));
            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = clusterId;
                cluster.ServiceId = serviceId;
            });
        });
        using var host = builder.Build();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await host.StartAsync(patience.Token);
            return true;
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            return false;
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await host.StopAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or OrleansException)
            {
                // A client that never connected may not stop cleanly either.
            }
        }
    }
}
