using Backupd.Contracts.Nodes;
namespace Backupd.Grains.Nodes;

/// <summary>
/// Marks the only grain interfaces an external Orleans client (a node) may call. The master
/// refuses client calls to every other interface, so a process that reaches the gateway
/// cannot touch admin operations.
/// </summary>
[AttributeUsage(AttributeTargets.Interface)]
public sealed class NodeFacingAttribute : Attribute;
