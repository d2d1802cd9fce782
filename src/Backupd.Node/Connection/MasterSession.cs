using Backupd.Node.Identity;
using Backupd.Node.Jobs;
using Microsoft.Extensions.Logging;

namespace Backupd.Node.Connection;

/// <summary>
/// Keeps this node connected to the master's node API: heartbeats, the signal stream that brings
/// "work available" and cancels, and the renewal of the node's certificate before it expires.
/// After a master restart or a network cut it starts over until the master answers again.
/// </summary>
public sealed partial class MasterSession(
    NodeIdentityStore identities,
    CapabilityProbe capabilities,
    MasterLink link,
    JobSignal jobSignal,
    TimeProvider time,
    ILogger<MasterSession> logger)
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RefusedRetryInterval = TimeSpan.FromSeconds(30);

    // The master writes to the stream at least every 5 s: three missed means it is gone, and the
    // jobs' calls wait for the session to come back instead of failing against a dead address.
    private static readonly TimeSpan SignalIdleTimeout = TimeSpan.FromSeconds(15);

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
                identity = await RunConnectedAsync(identity, cancellationToken);
            }
            catch (UnauthorizedAccessException ex)
            {
                if (_state != SessionState.Refused)
                {
                    _state = SessionState.Refused;
                    LogRefused(identity.NodeId, ex.Message);
                }

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

    // Returns the identity to go on with when the certificate was renewed; throws when the connection is lost.
    private async Task<NodeIdentity> RunConnectedAsync(NodeIdentity identity, CancellationToken cancellationToken)
    {
        using var api = NodeApiClient.Create(identity);
        if (time.GetUtcNow().UtcDateTime >= api.CertificateNotAfter)
        {
            throw new NodeCannotContinueException(
                $"This node's certificate expired at {api.CertificateNotAfter:u}, so the master no longer accepts it (the node was off for longer than it could renew). "
                + $"Delete the node on the master and {identities.FilePath}, and start the node again to register it anew.");
        }

        await api.HeartbeatAsync(capabilities.Probe(), cancellationToken);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signals = ReadSignalsAsync(api, session.Token);
        link.Connected(new MasterLink.Connection(api, identity.NodeId));
        if (_state != SessionState.Connected)
        {
            _state = SessionState.Connected;
            LogConnected(identity.NodeId, identity.NodeApiUrl);
        }

        try
        {
            while (true)
            {
                if (NeedsRenewal(api))
                {
                    return await RenewAsync(api, identity, cancellationToken);
                }

                var beat = Task.Delay(HeartbeatInterval, time, session.Token);
                if (await Task.WhenAny(beat, signals) == signals)
                {
                    await signals;
                    throw new IOException("The master closed the signal stream.");
                }

                await beat;
                await api.HeartbeatAsync(capabilities.Probe(), cancellationToken);
            }
        }
        finally
        {
            link.Disconnected();
            await session.CancelAsync();
            await signals.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private Task ReadSignalsAsync(NodeApiClient api, CancellationToken cancellationToken) =>
        api.ReadSignalsAsync((name, data) => jobSignal.Receive(name, data), SignalIdleTimeout, cancellationToken);

    // Renewed when a third of its life is left: weeks of margin at the default 90 days, for a
    // node that is down or cut off for a while.
    private bool NeedsRenewal(NodeApiClient api)
    {
        var lifetime = api.CertificateNotAfter - api.CertificateNotBefore;
        return time.GetUtcNow().UtcDateTime >= api.CertificateNotAfter - lifetime / 3;
    }

    private async Task<NodeIdentity> RenewAsync(NodeApiClient api, NodeIdentity identity, CancellationToken cancellationToken)
    {
        var key = NodeKey.Create();
        var certificate = await api.RenewCertificateAsync(key.CertificateRequestPem, cancellationToken);
        var renewed = identity with { CertificatePem = certificate.CertificatePem, PrivateKeyPem = key.PrivateKeyPem, AuthorityPem = certificate.AuthorityPem };
        try
        {
            await identities.SaveAsync(NodeIdentityStore.Checked(renewed), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // The master now counts the old certificate as the previous one: one more renewal
            // would make it worthless. Stop while the one on disk still works.
            throw new NodeCannotContinueException(
                $"The renewed certificate could not be saved to {identities.FilePath} ({ex.Message}). The stored one still works until the next renewal: make the data dir writable and restart the node.", ex);
        }

        LogRenewed(identity.NodeId, certificate.NotAfter);
        return renewed;
    }

    private static bool IsConnectionFailure(Exception ex) =>
        ex is HttpRequestException or TimeoutException or IOException or System.Net.Sockets.SocketException
            or System.Security.Authentication.AuthenticationException or OperationCanceledException;

    [LoggerMessage(LogLevel.Information, "Connected to the master as node {NodeId} at {NodeApiUrl}")]
    private partial void LogConnected(string nodeId, string nodeApiUrl);

    [LoggerMessage(LogLevel.Error, "The master refused node {NodeId}: {Reason}")]
    private partial void LogRefused(string nodeId, string reason);

    [LoggerMessage(LogLevel.Warning, "Lost the master ({ErrorType}: {Reason}); reconnecting")]
    private partial void LogUnreachable(string errorType, string reason);

    [LoggerMessage(LogLevel.Information, "Node {NodeId} renewed its certificate, now valid until {NotAfter}")]
    private partial void LogRenewed(string nodeId, DateTimeOffset notAfter);
}
