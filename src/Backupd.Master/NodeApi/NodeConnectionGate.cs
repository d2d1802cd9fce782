using System.Security.Cryptography.X509Certificates;
using Backupd.Contracts.Nodes;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Backupd.Master.NodeApi;

/// <summary>
/// Connection middleware right after the TLS handshake on the node endpoints. TLS has already
/// refused any certificate the node CA did not issue; this asks the node itself whether the
/// certificate is still its own and the node still active. When not, the connection is marked
/// refused (each request on it gets a 403 that tells the node why, and reaches nothing); when
/// so, it is recorded under its node, so that disabling the node closes it.
/// </summary>
internal sealed partial class NodeConnectionGate(IGrainFactory grains, NodeConnections connections, RefusalLog refusals, ILogger logger)
{
    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var certificate = connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
        var nodeId = certificate?.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (certificate is null || !NodeApiKeyFormat.IsNodeId(nodeId))
        {
            // TLS let no such certificate through; should it ever, nothing is served.
            return;
        }

        if (!await grains.GetGrain<INodeGrain>(nodeId).AuthenticateCertificateAsync(certificate.SerialNumber))
        {
            if (refusals.ShouldLog())
            {
                LogRefused(connection.RemoteEndPoint?.ToString() ?? "?", nodeId, certificate.SerialNumber);
            }

            connection.Features.Set(new NodeConnectionFeature(nodeId, Accepted: false));
            await next(connection);
            return;
        }

        connection.Features.Set(new NodeConnectionFeature(nodeId, Accepted: true));
        using (connections.Add(nodeId, connection))
        {
            await next(connection);
        }
    };

    [LoggerMessage(LogLevel.Warning, "Refused a node API connection from {Remote}: certificate {SerialNumber} of node {NodeId} is not that node's, or the node is not active")]
    private partial void LogRefused(string remote, string nodeId, string serialNumber);
}
