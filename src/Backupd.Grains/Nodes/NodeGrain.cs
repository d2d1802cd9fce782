using Backupd.Contracts;
using Backupd.Contracts.Nodes;
using Backupd.Grains.Auth;
using Backupd.Grains.Dashboard;
using Microsoft.Extensions.Logging;

namespace Backupd.Grains.Nodes;

/// <inheritdoc cref="INodeGrain"/>
public sealed partial class NodeGrain(
    [PersistentState("node", StorageNames.Master)] IPersistentState<NodeState> node,
    INodeCertificateIssuer certificates,
    INodeIndex index,
    TimeProvider time,
    ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    // Kept in memory; the index gets it every SeenInterval, the grain state never (a write of
    // the whole state per heartbeat would cost more than it is worth).
    private DateTimeOffset? _lastSeen;
    private DateTimeOffset? _lastSeenIndexed;
    private IGrainTimer? _offlineWatch;

    private NodeState State => node.State;

    private bool Exists => node.RecordExists && State.Hostname is not null && State.Status != NodeStatus.Deleted;

    private string NodeId => this.GetPrimaryKeyString();

    public async Task RegisterAsync(RegistrationRequest request, DateTimeOffset expiresAt)
    {
        if (node.RecordExists && State.Hostname is not null)
        {
            throw new InvalidOperationException($"Node {NodeId} already exists.");
        }

        State.Hostname = request.Hostname;
        State.Status = NodeStatus.Pending;
        State.RegisteredAt = time.GetUtcNow();
        State.ExpiresAt = expiresAt;
        State.RegistrationSecretHash = SecretHasher.HashToken(request.Secret);
        State.IpAddress = request.IpAddress;
        State.CertificateRequestPem = request.CertificateRequestPem;
        await SaveAsync();
        LogRegistered(NodeId, request.Hostname, request.IpAddress);
    }

    public async Task<RegistrationResult> ApproveAsync()
    {
        if (!Exists)
        {
            return new RegistrationResult(RegistrationOutcome.UnknownCode);
        }

        if (EffectiveStatus() == NodeStatus.Expired)
        {
            return new RegistrationResult(RegistrationOutcome.Expired, Summary());
        }

        if (State.Status != NodeStatus.Pending)
        {
            return new RegistrationResult(RegistrationOutcome.AlreadyUsed, Summary());
        }

        State.Status = NodeStatus.Active;
        State.ApprovedAt = time.GetUtcNow();
        await SaveAsync();
        LogApproved(NodeId, State.Hostname!, State.IpAddress);
        return new RegistrationResult(RegistrationOutcome.Ok, Summary());
    }

    public async Task<RegistrationResult> ClaimAsync(string secret)
    {
        if (!Exists)
        {
            return new RegistrationResult(RegistrationOutcome.UnknownCode);
        }

        if (State.RegistrationSecretHash is not { } hash || !SecretHasher.Verify(secret, hash))
        {
            LogWrongSecret(NodeId);
            return new RegistrationResult(RegistrationOutcome.WrongSecret);
        }

        switch (EffectiveStatus())
        {
            case NodeStatus.Pending:
                return new RegistrationResult(RegistrationOutcome.Pending, Summary());
            case NodeStatus.Expired:
                return new RegistrationResult(RegistrationOutcome.Expired, Summary());
            case NodeStatus.Active when State.KeyClaimedAt is null:
                var apiKey = NodeApiKeyFormat.Compose(NodeId, NodeApiKeyFormat.NewSecret());
                var (certificate, serial) = certificates.Issue(NodeId, State.CertificateRequestPem!);
                State.ApiKeyHash = SecretHasher.HashToken(apiKey);
                State.KeyClaimedAt = time.GetUtcNow();
                State.CertificateSerial = serial;
                State.CertificateNotAfter = certificate.NotAfter;
                State.CertificateRequestPem = null;
                _lastSeen = time.GetUtcNow();
                await SaveAsync();
                LogKeyClaimed(NodeId, serial);
                return new RegistrationResult(RegistrationOutcome.Ok, Summary(), apiKey, certificate);
            default:
                return new RegistrationResult(RegistrationOutcome.AlreadyUsed, Summary());
        }
    }

    public Task<bool> AuthenticateAsync(string apiKey)
    {
        var valid = Exists && State.Status == NodeStatus.Active && State.ApiKeyHash is { } hash && SecretHasher.Verify(apiKey, hash);
        if (valid)
        {
            _lastSeen = time.GetUtcNow();
        }
        else
        {
            LogKeyRefused(NodeId, State.Status);
        }

        return Task.FromResult(valid);
    }

    public Task<bool> AuthenticateCertificateAsync(string serialNumber)
    {
        var valid = Exists && State.Status == NodeStatus.Active
            && (serialNumber == State.CertificateSerial || serialNumber == State.PreviousCertificateSerial);
        if (!valid)
        {
            LogCertificateRefused(NodeId, serialNumber, State.Status);
        }

        return Task.FromResult(valid);
    }

    public async Task<NodeCertificate> RenewCertificateAsync(string callerSerialNumber, string certificateRequestPem)
    {
        if (!Exists || State.Status != NodeStatus.Active)
        {
            throw new UnauthorizedAccessException($"Node {NodeId} is not active: it gets no new certificate.");
        }

        // Only the current certificate renews: one that was replaced, by the node or by whoever
        // else held it, cannot get another and push the current one out.
        if (callerSerialNumber != State.CertificateSerial)
        {
            throw new UnauthorizedAccessException($"Node {NodeId}'s certificate {callerSerialNumber} is not its current one: only the current certificate renews.");
        }

        var (certificate, serial) = certificates.Issue(NodeId, certificateRequestPem);
        State.PreviousCertificateSerial = State.CertificateSerial;
        State.CertificateSerial = serial;
        State.CertificateNotAfter = certificate.NotAfter;
        await SaveAsync();
        LogCertificateRenewed(NodeId, serial, certificate.NotAfter);
        return certificate;
    }

    public async Task RecordHeartbeatAsync(NodeCapabilities capabilities)
    {
        var cameOnline = _lastSeen is not { } previous || time.GetUtcNow() - previous >= NodeIndexRow.OnlineWindow;
        _lastSeen = time.GetUtcNow();
        if (!SameCapabilities(State.Capabilities, capabilities))
        {
            State.Capabilities = capabilities;
            await SaveAsync();
        }
        else if (cameOnline || _lastSeenIndexed is not { } indexed || _lastSeen - indexed >= NodeIndexRow.SeenInterval)
        {
            await index.SeenAsync(NodeId, _lastSeen.Value);
            _lastSeenIndexed = _lastSeen;
            if (cameOnline)
            {
                PublishChange();
            }
        }

        WatchForOffline();
    }

    // A node goes offline by saying nothing: this timer, moved on by each heartbeat, fires when
    // the window has passed without one, so open dashboards show it offline then and there.
    private void WatchForOffline()
    {
        if (_offlineWatch is null)
        {
            _offlineWatch = this.RegisterGrainTimer(
                _ =>
                {
                    if (_lastSeen is { } seen && time.GetUtcNow() - seen >= NodeIndexRow.OnlineWindow)
                    {
                        PublishChange();
                    }

                    return Task.CompletedTask;
                },
                new GrainTimerCreationOptions(NodeIndexRow.OnlineWindow, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
        else
        {
            _offlineWatch.Change(NodeIndexRow.OnlineWindow, Timeout.InfiniteTimeSpan);
        }
    }

    private void PublishChange() => GrainFactory.PublishDashboardChange(DashboardTopic.Node, NodeId);

    public async Task ReindexAsync()
    {
        if (node.RecordExists && State.Hostname is not null)
        {
            await index.UpsertAsync(Row(), StateVersion);
        }
        else
        {
            await index.RemoveAsync(NodeId);
        }
    }

    // The state first, then its index row: a crash between the two leaves a row older than the
    // state, which the master re-indexes at its next start (IndexReconciler).
    private async Task SaveAsync()
    {
        await node.WriteStateAsync();
        await index.UpsertAsync(Row(), StateVersion);
        _lastSeenIndexed = _lastSeen;
        PublishChange();
    }

    private long StateVersion => Indexing.StateVersion.Of(node);

    // Free disk changes with every heartbeat; only a change in what the node can do is worth a write.
    private static bool SameCapabilities(NodeCapabilities? stored, NodeCapabilities reported) =>
        stored is not null
        && stored.Version == reported.Version
        && stored.OperatingSystem == reported.OperatingSystem
        && stored.Modules.Count == reported.Modules.Count
        && stored.Modules.Zip(reported.Modules).All(p => p.First.Name == p.Second.Name && p.First.Tools.SequenceEqual(p.Second.Tools))
        && Math.Abs(stored.FreeDiskBytes - reported.FreeDiskBytes) < 1L << 30;

    public Task<NodeSummary?> GetSummaryAsync() => Task.FromResult(Exists ? Summary() : null);

    public async Task<NodeSummary?> DisableAsync()
    {
        if (!Exists)
        {
            return null;
        }

        if (State.Status != NodeStatus.Disabled)
        {
            State.Status = NodeStatus.Disabled;
            State.DisabledAt = time.GetUtcNow();
            await SaveAsync();
            LogDisabled(NodeId);
        }

        return Summary();
    }

    public async Task<bool> DeleteAsync()
    {
        if (!Exists)
        {
            return false;
        }

        State.Status = NodeStatus.Deleted;
        State.ApiKeyHash = null;
        State.RegistrationSecretHash = null;
        State.CertificateSerial = null;
        State.PreviousCertificateSerial = null;
        State.CertificateRequestPem = null;
        await SaveAsync();
        await GrainFactory.GetGrain<IPendingRegistrationsGrain>(0).ReleaseAsync(NodeId);
        LogDeleted(NodeId);
        return true;
    }

    public async Task<bool> RemoveIfExpiredAsync(DateTimeOffset expiredBefore)
    {
        if (!Exists || State.Status != NodeStatus.Pending || State.ExpiresAt > expiredBefore)
        {
            return false;
        }

        // Nothing of an unapproved registration is worth keeping: no key was issued, no job ran.
        var hostname = State.Hostname!;
        var expiredAt = State.ExpiresAt;
        await node.ClearStateAsync();
        await index.RemoveAsync(NodeId);
        LogExpiredRemoved(NodeId, hostname, expiredAt);
        DeactivateOnIdle();
        return true;
    }

    private NodeStatus EffectiveStatus() => Summary().Status;

    private NodeIndexRow Row() => new(NodeId, State.Hostname!, State.Status, State.IpAddress, State.RegisteredAt, State.ApprovedAt,
        State.ExpiresAt, _lastSeen, State.Capabilities);

    private NodeSummary Summary() => Row().ToSummary(time.GetUtcNow());

    [LoggerMessage(LogLevel.Information, "Node {NodeId} ({Hostname}) registered from {IpAddress}, waiting for approval")]
    private partial void LogRegistered(string nodeId, string hostname, string ipAddress);

    [LoggerMessage(LogLevel.Information, "Node {NodeId} ({Hostname}, {IpAddress}) approved")]
    private partial void LogApproved(string nodeId, string hostname, string? ipAddress);

    [LoggerMessage(LogLevel.Information, "Node {NodeId} received its API key and certificate {SerialNumber}")]
    private partial void LogKeyClaimed(string nodeId, string serialNumber);

    // Debug: the connection gate logs refusals, at a bounded rate; this runs for each one.
    [LoggerMessage(LogLevel.Debug, "Refused certificate {SerialNumber} of node {NodeId} (status {Status})")]
    private partial void LogCertificateRefused(string nodeId, string serialNumber, NodeStatus status);

    [LoggerMessage(LogLevel.Information, "Node {NodeId} renewed its certificate: {SerialNumber}, valid until {NotAfter}")]
    private partial void LogCertificateRenewed(string nodeId, string serialNumber, DateTimeOffset notAfter);

    [LoggerMessage(LogLevel.Warning, "Registration status for node {NodeId} asked with a wrong secret")]
    private partial void LogWrongSecret(string nodeId);

    [LoggerMessage(LogLevel.Warning, "Refused an API key for node {NodeId} (status {Status})")]
    private partial void LogKeyRefused(string nodeId, NodeStatus status);

    [LoggerMessage(LogLevel.Information, "Node {NodeId} disabled")]
    private partial void LogDisabled(string nodeId);

    [LoggerMessage(LogLevel.Information, "Removed node {NodeId} ({Hostname}): its registration expired at {ExpiredAt} without approval")]
    private partial void LogExpiredRemoved(string nodeId, string hostname, DateTimeOffset expiredAt);

    [LoggerMessage(LogLevel.Information, "Node {NodeId} deleted")]
    private partial void LogDeleted(string nodeId);
}
