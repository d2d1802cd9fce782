namespace Backupd.Contracts.Nodes;

/// <summary>An external tool a module needs, as found on the node.</summary>
/// <param name="Name">e.g. <c>mysqldump</c>.</param>
/// <param name="Path">Where it was found; null when missing.</param>
[GenerateSerializer, Immutable, Alias("backupd.nodes.ToolCapability")]
public sealed record ToolCapability(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Path);
