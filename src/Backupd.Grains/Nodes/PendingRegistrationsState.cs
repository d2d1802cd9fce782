namespace Backupd.Grains.Nodes;

/// <summary>The registrations that hold a place under the caps, by node id.</summary>
[GenerateSerializer, Alias("backupd.nodes.PendingRegistrationsState")]
public sealed class PendingRegistrationsState
{
    [Id(0)] public Dictionary<string, PendingRegistrationEntry> Entries { get; set; } = [];
}

/// <summary>One pending registration: where it came from and when it stops counting.</summary>
[GenerateSerializer, Alias("backupd.nodes.PendingRegistrationEntry")]
public sealed record PendingRegistrationEntry(
    [property: Id(0)] string AddressGroup,
    [property: Id(1)] DateTimeOffset ExpiresAt);
