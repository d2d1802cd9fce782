namespace Backupd.Contracts.Nodes;

/// <summary>A certificate the master issued to a node, with what the node needs to use it.</summary>
/// <param name="CertificatePem">The node's certificate (PEM): subject CN is the node id.</param>
/// <param name="AuthorityPem">The master's node CA (PEM): the only issuer the node trusts for the master's node API.</param>
/// <param name="NotAfter">When the certificate expires; the node renews it well before.</param>
[GenerateSerializer, Immutable, Alias("backupd.nodes.NodeCertificate")]
public sealed record NodeCertificate(
    [property: Id(0)] string CertificatePem,
    [property: Id(1)] string AuthorityPem,
    [property: Id(2)] DateTimeOffset NotAfter);
