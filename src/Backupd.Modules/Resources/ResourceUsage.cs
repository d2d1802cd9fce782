namespace Backupd.Modules.Resources;

/// <summary>A snapshot of one kind of resource on a node.</summary>
/// <param name="InUse">Leases held right now.</param>
/// <param name="Peak">The most leases ever held at once since the manager was created.</param>
/// <param name="Waiting">Callers queued for a slot.</param>
/// <param name="Limit">How many leases may be held at once.</param>
public sealed record ResourceUsage(int InUse, int Peak, int Waiting, int Limit);
