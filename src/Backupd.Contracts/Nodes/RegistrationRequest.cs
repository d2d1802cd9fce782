namespace Backupd.Contracts.Nodes;

/// <summary>A node asking to join, as the master received it.</summary>
/// <param name="Hostname">The node's hostname.</param>
/// <param name="Code">The 5-character code the node shows on its console.</param>
/// <param name="Secret">The node's private registration secret (never displayed).</param>
/// <param name="IpAddress">The address the request came from.</param>
[GenerateSerializer, Immutable, Alias("backupd.nodes.RegistrationRequest")]
public sealed record RegistrationRequest(
    [property: Id(0)] string Hostname,
    [property: Id(1)] string Code,
    [property: Id(2)] string Secret,
    [property: Id(3)] string IpAddress);
