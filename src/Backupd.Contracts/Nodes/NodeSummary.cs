namespace Backupd.Contracts.Nodes;

/// <summary>What the master knows about a node, without any secret.</summary>
/// <param name="Id">The node's id.</param>
/// <param name="Hostname">The hostname the node registered with.</param>
/// <param name="Status">Pending, active, disabled…</param>
/// <param name="IpAddress">The address the node registered from (recorded at approval).</param>
/// <param name="RegisteredAt">When it registered.</param>
/// <param name="ApprovedAt">When an admin approved it.</param>
/// <param name="LastSeenAt">Its last heartbeat or key use.</param>
/// <param name="Online">Whether it was seen recently.</param>
/// <param name="Capabilities">What it reported in its last heartbeat.</param>
[GenerateSerializer, Immutable, Alias("backupd.nodes.NodeSummary")]
public sealed record NodeSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Hostname,
    [property: Id(2)] NodeStatus Status,
    [property: Id(3)] string? IpAddress,
    [property: Id(4)] DateTimeOffset RegisteredAt,
    [property: Id(5)] DateTimeOffset? ApprovedAt,
    [property: Id(6)] DateTimeOffset? LastSeenAt,
    [property: Id(7)] bool Online,
    [property: Id(8)] NodeCapabilities? Capabilities);
