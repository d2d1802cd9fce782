using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Backupd.Master.NodeApi;

/// <summary>
/// Connection middleware in front of TLS on the node endpoints: each remote address gets at most
/// so many connections at once, so that nobody can tie up the master with sockets that never
/// finish a handshake (which also times out on its own).
/// </summary>
internal sealed partial class ConnectionsPerAddress(int limit, RefusalLog refusals, ILogger logger)
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        if (_open.AddOrUpdate(address, 1, (_, count) => count + 1) > limit)
        {
            Release(address);
            if (refusals.ShouldLog())
            {
                LogTooMany(address, limit);
            }

            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            Release(address);
        }
    };

    private void Release(IPAddress address)
    {
        if (_open.AddOrUpdate(address, 0, (_, count) => count - 1) <= 0)
        {
            _open.TryRemove(new KeyValuePair<IPAddress, int>(address, 0));
        }
    }

    [LoggerMessage(LogLevel.Warning, "Closed a node API connection from {Address}: it already has {Limit} open (BACKUPD_NODE_MAX_CONNECTIONS_PER_ADDRESS)")]
    private partial void LogTooMany(IPAddress address, int limit);
}
