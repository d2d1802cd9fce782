using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Backupd.Node.Identity;

/// <summary>A key pair the node makes for its certificate, and the request the master signs.</summary>
/// <param name="PrivateKeyPem">PKCS #8: stays on the node.</param>
/// <param name="CertificateRequestPem">PKCS #10: goes to the master.</param>
public sealed record NodeKey(string PrivateKeyPem, string CertificateRequestPem)
{
    /// <summary>A new ECDSA P-256 key and its request (the master puts the node id in the certificate itself).</summary>
    public static NodeKey Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=backupd node"), key, HashAlgorithmName.SHA256);
        return new NodeKey(key.ExportPkcs8PrivateKeyPem(), request.CreateSigningRequestPem());
    }

    /// <summary>Keeps the private key out of logs.</summary>
    public override string ToString() => "NodeKey { }";
}
