using Backupd.Node.Connection;
using Backupd.Node.Identity;
using Backupd.Node.Registration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backupd.Node;

/// <summary>
/// The node's main loop: find or obtain an identity, then stay connected to the master.
/// </summary>
public sealed partial class NodeAgent(
    NodeIdentityStore identities,
    NodeRegistrar registrar,
    MasterSession session,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<NodeAgent> logger) : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        NodeIdentity identity;
        try
        {
            identity = await identities.LoadAsync(stoppingToken) ?? await RegisterWithRetriesAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException)
        {
            LogCannotStart(ex.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
            return;
        }

        LogIdentity(identity.NodeId);
        try
        {
            await session.RunAsync(identity, stoppingToken);
        }
        catch (NodeCannotContinueException ex)
        {
            LogCannotGoOn(ex.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    private async Task<NodeIdentity> RegisterWithRetriesAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                return await registrar.RegisterAsync(stoppingToken);
            }
            catch (HttpRequestException ex)
            {
                LogMasterUnreachable(ex.Message);
                await Task.Delay(RetryInterval, time, stoppingToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "This is node {NodeId}")]
    private partial void LogIdentity(string nodeId);

    [LoggerMessage(LogLevel.Warning, "The master is unreachable ({Reason}); retrying")]
    private partial void LogMasterUnreachable(string reason);

    [LoggerMessage(LogLevel.Critical, "The node cannot start: {Reason}")]
    private partial void LogCannotStart(string reason);

    [LoggerMessage(LogLevel.Critical, "The node stops: {Reason}")]
    private partial void LogCannotGoOn(string reason);
}
