using System.Net;
using Backupd.Contracts.Nodes;
using Backupd.Hosting;
using Backupd.Contracts.Jobs;
using Backupd.Node.Identity;
using Backupd.Node.Jobs;
using Backupd.Node.Registration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Backupd.Node.Connection;

/// <summary>
/// Keeps this node connected to the master as an Orleans client and sends heartbeats. The
/// gateways come from the master's REST API, so <c>BACKUPD_MASTER_URL</c> is all a node needs.
/// After a master restart or a network cut the client is rebuilt until it connects again.
/// </summary>
public sealed partial class MasterSession(
    MasterRegistrationClient master,
    CapabilityProbe capabilities,
    MasterLink link,
    JobSignal jobSignal,
    TimeProvider time,
    ILogger<MasterSession> logger)
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RefusedRetryInterval = TimeSpan.FromSeconds(30);

    private SessionState _state = SessionState.Starting;

    private enum SessionState
    {
        Starting,
        Connected,
        Unreachable,
        Refused,
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(NodeIdentity identity, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = RetryInterval;
            try
            {
                var gateways = await master.GetGatewaysAsync(identity.ApiKey, cancellationToken);
                if (gateways is null)
                {
                    Refused(identity);
                    wait = RefusedRetryInterval;
                }
                else
                {
                    await RunConnectedAsync(identity, gateways, cancellationToken);
                }
            }
            catch (UnauthorizedAccessException)
            {
                Refused(identity);
                wait = RefusedRetryInterval;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsConnectionFailure(ex))
            {
                if (_state != SessionState.Unreachable)
                {
                    _state = SessionState.Unreachable;
                    LogUnreachable(ex.GetType().Name, ex.Message);
                }
            }

            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private async Task RunConnectedAsync(NodeIdentity identity, GatewaysInfo gateways, CancellationToken cancellationToken)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var gateway in gateways.Gateways)
        {
            var address = IPAddress.TryParse(gateway.Host, out var ip) ? ip : (await Dns.GetHostAddressesAsync(gateway.Host, cancellationToken))[0];
            endpoints.Add(new IPEndPoint(address, gateway.Port));
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddBackupdLogging();
        // This session reports connection changes in one line each; the client's own retries would repeat them with stack traces.
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering([.. endpoints]);
            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = gateways.ClusterId;
                cluster.ServiceId = gateways.ServiceId;
            });
            // A heartbeat that hangs should fail fast enough to reconnect within a minute.
            client.Configure<MessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromSeconds(10));
        });

        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        try
        {
            var client = host.Services.GetRequiredService<IClusterClient>();
            var session = client.GetGrain<INodeSessionGrain>(identity.NodeId);
            var observer = client.CreateObjectReference<INodeJobObserver>(jobSignal);
            var linked = false;
            while (!cancellationToken.IsCancellationRequested)
            {
                await session.HeartbeatAsync(identity.ApiKey, capabilities.Probe());
                // Renewed with every heartbeat: the master keeps it in memory only.
                await session.SubscribeJobsAsync(identity.ApiKey, observer);
                if (!linked)
                {
                    linked = true;
                    link.Connected(new MasterLink.Connection(session, identity.ApiKey, identity.NodeId));
                }

                if (_state != SessionState.Connected)
                {
                    _state = SessionState.Connected;
                    LogConnected(identity.NodeId, string.Join(", ", endpoints));
                }

                await Task.Delay(HeartbeatInterval, time, cancellationToken);
            }
        }
        finally
        {
            link.Disconnected();
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await host.StopAsync(stopping.Token);
        }
    }

    private void Refused(NodeIdentity identity)
    {
        if (_state != SessionState.Refused)
        {
            _state = SessionState.Refused;
            LogRefused(identity.NodeId);
        }
    }

    private static bool IsConnectionFailure(Exception ex) =>
        ex is HttpRequestException or TimeoutException or OrleansException or IOException or System.Net.Sockets.SocketException or OperationCanceledException;

    [LoggerMessage(LogLevel.Information, "Connected to the master as node {NodeId} through {Gateways}")]
    private partial void LogConnected(string nodeId, string gateways);

    [LoggerMessage(LogLevel.Error, "The master refused this node's API key: node {NodeId} was disabled or deleted. Ask an admin to re-enable it, or delete the identity file to register again")]
    private partial void LogRefused(string nodeId);

    [LoggerMessage(LogLevel.Warning, "Lost the master ({ErrorType}: {Reason}); reconnecting")]
    private partial void LogUnreachable(string errorType, string reason);
}
