namespace Backupd.Contracts.Nodes;

/// <summary>
/// The node-facing surface, keyed by node id. Every call carries the node's API key, which the
/// master checks against that node's stored hash: a key works only for its own node, and only
/// while the node is active.
/// </summary>
[NodeFacing]
[Alias("backupd.nodes.INodeSessionGrain")]
public interface INodeSessionGrain : IGrainWithStringKey
{
    /// <summary>Reports the node alive with its capabilities.</summary>
    /// <exception cref="UnauthorizedAccessException">The key is wrong, or the node is disabled or deleted.</exception>
    [Alias("Heartbeat")]
    Task HeartbeatAsync(string apiKey, NodeCapabilities capabilities);
}
