using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Backupd.Hosting;
using Backupd.Node.Options;
using Microsoft.Extensions.Options;

namespace Backupd.Node.Identity;

/// <summary>
/// The node's identity in <c>&lt;data dir&gt;/node-identity.json</c> (mode 0600): written after
/// approval and again at each certificate renewal, in one piece, so that the certificate and its
/// private key never disagree.
/// </summary>
public sealed class NodeIdentityStore(IOptions<NodeOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Path of the identity file.</summary>
    public string FilePath => Path.Combine(options.Value.DataDir, "node-identity.json");

    /// <summary>The identity from the file, or null if this node never registered.</summary>
    public async Task<NodeIdentity?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        try
        {
            await using var stream = File.OpenRead(FilePath);
            var stored = await JsonSerializer.DeserializeAsync<NodeIdentity>(stream, Json, cancellationToken);
            return stored switch
            {
                { NodeId.Length: > 0, ApiKey.Length: > 0, NodeApiUrl.Length: > 0, CertificatePem.Length: > 0, PrivateKeyPem.Length: > 0, AuthorityPem.Length: > 0 } => Checked(stored),
                { NodeId.Length: > 0, ApiKey.Length: > 0 } => throw new InvalidDataException(
                    "it was written before nodes had certificates. Delete the node on the master and this file, and register again"),
                _ => throw new InvalidDataException("it lacks nodeId or apiKey"),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidDataException($"The node identity file '{FilePath}' is damaged ({ex.Message}). Delete it to register again with a new code.", ex);
        }
    }

    /// <summary>
    /// The identity, once its certificate is shown to belong to this node, to hold the private
    /// key beside it and to come from the CA beside it: what the master said at approval.
    /// </summary>
    /// <exception cref="InvalidDataException">It does not.</exception>
    public static NodeIdentity Checked(NodeIdentity identity)
    {
        using var certificate = X509Certificate2.CreateFromPem(identity.CertificatePem, identity.PrivateKeyPem);
        using var authority = X509Certificate2.CreateFromPem(identity.AuthorityPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTimeIgnored = true;
        if (certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) != identity.NodeId || !chain.Build(certificate))
        {
            throw new InvalidDataException($"the certificate does not name node {identity.NodeId}, or was not issued by the CA stored with it");
        }

        return identity;
    }

    /// <summary>Writes the identity so that only this user can read it.</summary>
    public async Task SaveAsync(NodeIdentity identity, CancellationToken cancellationToken)
    {
        await PrivateFile.WriteAsync(FilePath, (stream, ct) => JsonSerializer.SerializeAsync(stream, identity, Json, ct), cancellationToken);
    }
}
