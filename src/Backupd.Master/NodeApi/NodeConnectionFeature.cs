namespace Backupd.Master.NodeApi;

/// <summary>
/// What <see cref="NodeConnectionGate"/> found out about a node API connection, for the requests
/// that come over it: which node's certificate opened it, and whether that node accepted it.
/// </summary>
/// <param name="NodeId">The node named in the certificate.</param>
/// <param name="SerialNumber">The certificate's serial number (hex).</param>
/// <param name="NotAfter">When the certificate expires; a connection does not outlive it.</param>
/// <param name="Accepted">
/// False when the certificate is the node CA's but no longer the node's own (the node was
/// disabled or deleted, or renewed twice since): every request then gets a 403 that says so,
/// and reaches nothing.
/// </param>
internal sealed record NodeConnectionFeature(string NodeId, string SerialNumber, DateTimeOffset NotAfter, bool Accepted);
