using System.Security.Cryptography.X509Certificates;
using Backupd.Contracts.Nodes;
using Backupd.Grains.Nodes;
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

        var node = grains.GetGrain<INodeGrain>(nodeId);
        var serial = certificate.SerialNumber;
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        if (!await node.AuthenticateCertificateAsync(serial))
        {
            Refuse(connection, nodeId, serial, notAfter);
            await next(connection);
            return;
        }

        using (connections.Add(nodeId, serial, connection))
        {
            // Asked again once recorded: a disable that came between the first answer and the
            // recording closed the node's connections without this one.
            if (!await node.AuthenticateCertificateAsync(serial))
            {
                Refuse(connection, nodeId, serial, notAfter);
            }
            else
            {
                connection.Features.Set(new NodeConnectionFeature(nodeId, serial, notAfter, Accepted: true));
            }

            await next(connection);
        }
    };

    private void Refuse(ConnectionContext connection, string nodeId, string serial, DateTimeOffset notAfter)
    {
        if (refusals.ShouldLog())
        {
            LogRefused(connection.RemoteEndPoint?.ToString() ?? "?", nodeId, serial);
        }

        connection.Features.Set(new NodeConnectionFeature(nodeId, serial, notAfter, Accepted: false));
    }

    [LoggerMessage(LogLevel.Warning, "Refused a node API connection from {Remote}: certificate {SerialNumber} of node {NodeId} is not that node's, or the node is not active")]
    private partial void LogRefused(string remote, string nodeId, string serialNumber);
}
