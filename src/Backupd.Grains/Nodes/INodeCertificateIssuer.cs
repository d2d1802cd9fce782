using Backupd.Contracts.Nodes;

namespace Backupd.Grains.Nodes;

/// <summary>The master's node certificate authority, as the node grain uses it (the master implements it).</summary>
public interface INodeCertificateIssuer
{
    /// <summary>Signs the key in a node's certificate request into a client certificate for that node.</summary>
    /// <param name="nodeId">Goes into the certificate's subject; whatever the request asked for is ignored.</param>
    /// <param name="certificateRequestPem">The node's PKCS #10 request.</param>
    /// <returns>The certificate and its serial number (hex).</returns>
    /// <exception cref="ArgumentException">The request does not parse, its signature is wrong, or its key is not one the master accepts.</exception>
    (NodeCertificate Certificate, string SerialNumber) Issue(string nodeId, string certificateRequestPem);

    /// <summary>Checks a request without signing it, so that a registration with a bad one is refused at once.</summary>
    /// <returns>Null when it is acceptable; otherwise what is wrong, in a sentence.</returns>
    string? Check(string certificateRequestPem);
}
