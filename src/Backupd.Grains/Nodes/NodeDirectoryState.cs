namespace Backupd.Grains.Nodes;

/// <summary>Ids of every node that was registered and not deleted.</summary>
[GenerateSerializer, Alias("backupd.nodes.NodeDirectoryState")]
public sealed class NodeDirectoryState
{
    [Id(0)] public List<string> NodeIds { get; set; } = [];
}
