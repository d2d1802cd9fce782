namespace Backupd.Contracts.Nodes;

/// <summary>What a node reports about itself when it connects and with each heartbeat.</summary>
/// <param name="Version">backupd version on the node.</param>
/// <param name="OperatingSystem">OS description.</param>
/// <param name="Modules">Modules and their tools.</param>
/// <param name="FreeDiskBytes">Free space in the node's data dir.</param>
[GenerateSerializer, Immutable, Alias("backupd.nodes.NodeCapabilities")]
public sealed record NodeCapabilities(
    [property: Id(0)] string Version,
    [property: Id(1)] string OperatingSystem,
    [property: Id(2)] IReadOnlyList<ModuleCapability> Modules,
    [property: Id(3)] long FreeDiskBytes);
