namespace Backupd.Contracts.Nodes;

/// <summary>A backup module the node has, and whether its tools are present.</summary>
/// <param name="Name">Module name, e.g. <c>wordpress</c>.</param>
/// <param name="Tools">The tools it needs.</param>
[GenerateSerializer, Immutable, Alias("backupd.nodes.ModuleCapability")]
public sealed record ModuleCapability(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<ToolCapability> Tools)
{
    /// <summary>True when every tool was found.</summary>
    public bool Ready => Tools.All(t => t.Path is not null);
}
