using Backupd.Contracts.Nodes;

namespace Backupd.Grains.Nodes;

/// <summary>
/// What the node index keeps of a node: its stored facts, from which the summary's status and
/// online state follow at the time it is read.
/// </summary>
public sealed record NodeIndexRow(
    string Id,
    string Hostname,
    NodeStatus Status,
    string? IpAddress,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? ApprovedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? LastSeenAt,
    NodeCapabilities? Capabilities)
{
    /// <summary>A node not heard from for this long shows as offline.</summary>
    public static readonly TimeSpan OnlineWindow = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How often the last-seen time reaches the index: well inside <see cref="OnlineWindow"/>,
    /// so a list read from the index shows a live node online, without a write per heartbeat.
    /// </summary>
    public static readonly TimeSpan SeenInterval = TimeSpan.FromSeconds(30);

    /// <summary>The summary as of <paramref name="now"/>: a pending node past its expiry is expired; an active one heard from within the window is online.</summary>
    public NodeSummary ToSummary(DateTimeOffset now)
    {
        var status = Status == NodeStatus.Pending && now >= ExpiresAt ? NodeStatus.Expired : Status;
        var online = Status == NodeStatus.Active && LastSeenAt is { } seen && now - seen < OnlineWindow;
        return new NodeSummary(Id, Hostname, status, IpAddress, RegisteredAt, ApprovedAt, LastSeenAt, online, Capabilities);
    }
}
