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
                { NodeId.Length: > 0, ApiKey.Length: > 0, NodeApiUrl.Length: > 0, CertificatePem.Length: > 0, PrivateKeyPem.Length: > 0, AuthorityPem.Length: > 0 } => stored,
                { NodeId.Length: > 0, ApiKey.Length: > 0 } => throw new InvalidDataException(
                    "it was written before nodes had certificates. Delete the node on the master and this file, and register again"),
                _ => throw new InvalidDataException("it lacks nodeId or apiKey"),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"The node identity file '{FilePath}' is damaged ({ex.Message}). Delete it to register again with a new code.", ex);
        }
    }

    /// <summary>Writes the identity so that only this user can read it.</summary>
    public async Task SaveAsync(NodeIdentity identity, CancellationToken cancellationToken)
    {
        await PrivateFile.WriteAsync(FilePath, (stream, ct) => JsonSerializer.SerializeAsync(stream, identity, Json, ct), cancellationToken);
    }
}
