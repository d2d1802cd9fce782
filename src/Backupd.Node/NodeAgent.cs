using Backupd.Node.Identity;
using Backupd.Node.Registration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backupd.Node;

/// <summary>
/// The node's main loop: find or obtain an identity, then keep checking that the master
/// accepts it, logging each change (master unreachable, key refused, back again).
/// </summary>
public sealed partial class NodeAgent(
    NodeIdentityStore identities,
    NodeRegistrar registrar,
    MasterRegistrationClient master,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<NodeAgent> logger) : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(10);

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
        await WatchKeyAsync(identity, stoppingToken);
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

    private async Task WatchKeyAsync(NodeIdentity identity, CancellationToken stoppingToken)
    {
        bool? accepted = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            bool? now;
            try
            {
                now = await master.CheckKeyAsync(identity.ApiKey, stoppingToken);
            }
            catch (HttpRequestException ex)
            {
                LogMasterUnreachable(ex.Message);
                now = null;
            }

            if (now != accepted && now is { } value)
            {
                if (value)
                {
                    LogAccepted(identity.NodeId);
                }
                else
                {
                    LogRefused(identity.NodeId);
                }
            }

            accepted = now ?? accepted;
            await Task.Delay(CheckInterval, time, stoppingToken);
        }
    }

    [LoggerMessage(LogLevel.Information, "This is node {NodeId}")]
    private partial void LogIdentity(string nodeId);

    [LoggerMessage(LogLevel.Information, "The master accepts this node's key (node {NodeId})")]
    private partial void LogAccepted(string nodeId);

    [LoggerMessage(LogLevel.Error, "The master refused this node's API key: node {NodeId} was disabled or deleted. Ask an admin to re-enable it, or delete the identity file to register again")]
    private partial void LogRefused(string nodeId);

    [LoggerMessage(LogLevel.Warning, "The master is unreachable ({Reason}); retrying")]
    private partial void LogMasterUnreachable(string reason);

    [LoggerMessage(LogLevel.Critical, "The node cannot start: {Reason}")]
    private partial void LogCannotStart(string reason);
}
