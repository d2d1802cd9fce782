using Backupd.Contracts.Nodes;

namespace Backupd.Grains.Nodes;

/// <summary>
/// The node index: one row per node in the master database, written by <see cref="NodeGrain"/>
/// after each write of its state, read by the node list and the expired-registration sweep.
/// </summary>
public interface INodeIndex
{
    /// <summary>Writes the row of <paramref name="node"/>, made from the state of version <paramref name="stateVersion"/>; a newer row is kept.</summary>
    Task UpsertAsync(NodeIndexRow node, long stateVersion, CancellationToken cancellationToken = default);

    /// <summary>Records when the node was last heard from (the grain calls it at most every <see cref="NodeIndexRow.SeenInterval"/>).</summary>
    Task SeenAsync(string nodeId, DateTimeOffset seenAt, CancellationToken cancellationToken = default);

    /// <summary>Removes the row of a node that has no state.</summary>
    Task RemoveAsync(string nodeId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Nodes in the order they registered: those in <paramref name="status"/>, or when none is
    /// given all but deleted and expired ones.
    /// </summary>
    Task<IReadOnlyList<NodeSummary>> ListAsync(NodeStatus? status, CancellationToken cancellationToken = default);
}
