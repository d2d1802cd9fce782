using Backupd.Contracts.Nodes;

namespace Backupd.Grains.Nodes;

/// <summary>Stored state of a node. Secrets appear only as salted hashes.</summary>
[GenerateSerializer, Alias("backupd.nodes.NodeState")]
public sealed class NodeState
{
    [Id(0)] public string? Hostname { get; set; }

    [Id(1)] public NodeStatus Status { get; set; }

    [Id(2)] public DateTimeOffset RegisteredAt { get; set; }

    [Id(3)] public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Hash of the node's private registration secret: proves who may claim the key.</summary>
    [Id(4)] public string? RegistrationSecretHash { get; set; }

    /// <summary>The address the registration came from, recorded as the node's IP at approval.</summary>
    [Id(5)] public string? IpAddress { get; set; }

    [Id(6)] public DateTimeOffset? ApprovedAt { get; set; }

    [Id(7)] public string? ApiKeyHash { get; set; }

    [Id(8)] public DateTimeOffset? KeyClaimedAt { get; set; }

    [Id(9)] public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>The last capabilities reported; written only when they change.</summary>
    [Id(10)] public NodeCapabilities? Capabilities { get; set; }

    /// <summary>The certificate request the node registered with: its public key, signed at approval.</summary>
    [Id(11)] public string? CertificateRequestPem { get; set; }

    /// <summary>Serial number (hex) of the node's current certificate.</summary>
    [Id(12)] public string? CertificateSerial { get; set; }

    /// <summary>Serial number of the certificate before the current one, valid until the next renewal.</summary>
    [Id(13)] public string? PreviousCertificateSerial { get; set; }

    /// <summary>When the current certificate expires.</summary>
    [Id(14)] public DateTimeOffset? CertificateNotAfter { get; set; }
}
