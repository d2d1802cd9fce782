namespace Backupd.Contracts.Nodes;

/// <summary>A node asking to join, as the master received it.</summary>
/// <param name="Hostname">The node's hostname.</param>
/// <param name="Code">The 5-character code the node shows on its console.</param>
/// <param name="Secret">The node's private registration secret (never displayed).</param>
/// <param name="IpAddress">The address the request came from.</param>
/// <param name="CertificateRequestPem">
/// The node's PKCS #10 request (PEM) for the certificate it will connect with: its public key,
/// signed with the private key that never leaves the node.
/// </param>
/// <param name="AddressGroup">
/// The address the caps count per: the address itself, or its /64 for IPv6 (whoever holds one
/// address there holds them all).
/// </param>
[GenerateSerializer, Immutable, Alias("backupd.nodes.RegistrationRequest")]
public sealed record RegistrationRequest(
    [property: Id(0)] string Hostname,
    [property: Id(1)] string Code,
    [property: Id(2)] string Secret,
    [property: Id(3)] string IpAddress,
    [property: Id(4)] string CertificateRequestPem,
    [property: Id(5)] string AddressGroup);
