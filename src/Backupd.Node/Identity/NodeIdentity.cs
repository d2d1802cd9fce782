namespace Backupd.Node.Identity;

/// <summary>Who this node is to the master, and how it proves it.</summary>
/// <param name="NodeId">The id the master gave it.</param>
/// <param name="ApiKey">Its API key, sent with every call as a second proof; never logged.</param>
/// <param name="NodeApiUrl">Where the master's node API is.</param>
/// <param name="CertificatePem">The node's certificate, issued by the master's node CA.</param>
/// <param name="PrivateKeyPem">The certificate's private key: made on this node, never sent anywhere; never logged.</param>
/// <param name="AuthorityPem">The master's node CA: the only issuer this node trusts for the master.</param>
public sealed record NodeIdentity(string NodeId, string ApiKey, string NodeApiUrl, string CertificatePem, string PrivateKeyPem, string AuthorityPem)
{
    /// <summary>Keeps the key and the private key out of logs and exception messages that format the record.</summary>
    public override string ToString() => $"NodeIdentity {{ NodeId = {NodeId}, NodeApiUrl = {NodeApiUrl} }}";
}
