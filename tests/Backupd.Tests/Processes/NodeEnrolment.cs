using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Node.Connection;
using Backupd.Node.Identity;
using Backupd.Tests.Nodes;

namespace Backupd.Tests.Processes;

/// <summary>
/// A node enrolled over REST (register with a new key, approve, claim) without a node process:
/// its id, API key and the identity a node would store, certificate and private key included.
/// </summary>
public sealed record NodeEnrolment(string NodeId, string ApiKey, NodeIdentity Identity)
{
    public static async Task<NodeEnrolment> EnrolAsync(MasterApi api)
    {
        var code = RegistrationCodes.NewCode();
        var secret = RegistrationCodes.NewSecret();
        var key = NodeKey.Create();
        using var _ = await api.RegisterAsync(code, secret, certificateRequest: key.CertificateRequestPem);
        using var __ = await api.ApproveAsync(code);
        using var claimed = await api.PollAsync(code, secret);
        var body = await claimed.Content.ReadFromJsonAsync<JsonElement>();
        var nodeId = body.GetProperty("nodeId").GetString()!;
        var apiKey = body.GetProperty("apiKey").GetString()!;
        var certificate = body.GetProperty("certificate");
        var identity = new NodeIdentity(nodeId, apiKey, body.GetProperty("nodeApiUrl").GetString()!,
            certificate.GetProperty("certificatePem").GetString()!, key.PrivateKeyPem, certificate.GetProperty("authorityPem").GetString()!);
        return new NodeEnrolment(nodeId, apiKey, identity);
    }

    /// <summary>The product's own node API client, as this node.</summary>
    public NodeApiClient Connect() => NodeApiClient.Create(Identity);
}
