namespace Backupd.Grains.Nodes;

/// <summary>Which node a registration code currently points at.</summary>
[GenerateSerializer, Alias("backupd.nodes.RegistrationCodeState")]
public sealed class RegistrationCodeState
{
    [Id(0)] public string? NodeId { get; set; }

    [Id(1)] public DateTimeOffset ExpiresAt { get; set; }

    [Id(2)] public DateTimeOffset? ApprovedAt { get; set; }
}
