namespace Backupd.Contracts.Nodes;

/// <summary>Where a node is in its life.</summary>
[GenerateSerializer, Alias("backupd.nodes.NodeStatus")]
public enum NodeStatus
{
    /// <summary>Registered with a code, waiting for an admin to approve it.</summary>
    Pending = 0,

    /// <summary>Approved; its API key works.</summary>
    Active = 1,

    /// <summary>Turned off by an admin; its key is refused.</summary>
    Disabled = 2,

    /// <summary>The code expired before anyone approved it.</summary>
    Expired = 3,

    /// <summary>Removed by an admin; its key is refused and it is no longer listed.</summary>
    Deleted = 4,
}
