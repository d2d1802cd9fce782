using Backupd.Contracts.Nodes;
using Backupd.Grains.Indexing;
namespace Backupd.Grains.Nodes;

/// <summary>A registered host, keyed by node id. Holds only a hash of its API key.</summary>
[Alias("backupd.nodes.INodeGrain")]
public interface INodeGrain : IIndexedGrain
{
    /// <summary>Records a new pending registration.</summary>
    [Alias("Register")]
    Task RegisterAsync(RegistrationRequest request, DateTimeOffset expiresAt);

    /// <summary>Activates a pending node. Refused when it is not pending or has expired.</summary>
    [Alias("Approve")]
    Task<RegistrationResult> ApproveAsync();

    /// <summary>
    /// Hands out the API key and the node's certificate (issued for the key it registered with)
    /// once, to the holder of the registration secret.
    /// </summary>
    [Alias("Claim")]
    Task<RegistrationResult> ClaimAsync(string secret);

    /// <summary>
    /// Whether a connection may act as this node: true only while the node is active and the
    /// certificate is its current one (or the one before it, while a renewal settles).
    /// </summary>
    /// <param name="serialNumber">The certificate's serial number, in hex.</param>
    [Alias("AuthenticateCertificate")]
    Task<bool> AuthenticateCertificateAsync(string serialNumber);

    /// <summary>
    /// Issues the active node a new certificate for a new key, asked with its current certificate
    /// (not the previous one, which may connect but not renew). The one it was asked with stays
    /// valid until the next renewal, so that an answer lost on its way does not lock the node out.
    /// </summary>
    /// <param name="callerSerialNumber">The serial number of the certificate the request came with.</param>
    /// <param name="certificateRequestPem">The request for the new key.</param>
    /// <exception cref="UnauthorizedAccessException">The node is not active, or the caller's certificate is not its current one.</exception>
    /// <exception cref="ArgumentException">The request is not a valid certificate request.</exception>
    [Alias("RenewCertificate")]
    Task<NodeCertificate> RenewCertificateAsync(string callerSerialNumber, string certificateRequestPem);

    /// <summary>Checks an API key; true only for an active node's current key.</summary>
    [Alias("Authenticate")]
    Task<bool> AuthenticateAsync(string apiKey);

    /// <summary>Records a heartbeat from an authenticated node session.</summary>
    [Alias("RecordHeartbeat")]
    Task RecordHeartbeatAsync(NodeCapabilities capabilities);

    /// <summary>The node as the API shows it; null if it never existed or was deleted.</summary>
    [Alias("GetSummary")]
    Task<NodeSummary?> GetSummaryAsync();

    /// <summary>Turns the node off: its key stops working at once.</summary>
    [Alias("Disable")]
    Task<NodeSummary?> DisableAsync();

    /// <summary>Removes the node: its key stops working at once.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();

    /// <summary>Removes a registration that expired unapproved before <paramref name="expiredBefore"/>; false for any other node.</summary>
    [Alias("RemoveIfExpired")]
    Task<bool> RemoveIfExpiredAsync(DateTimeOffset expiredBefore);
}
