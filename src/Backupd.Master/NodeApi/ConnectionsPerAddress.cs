using System.Collections.Concurrent;
using System.Net;
using Backupd.Master.Brakes;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Backupd.Master.NodeApi;

/// <summary>
/// Connection middleware in front of TLS on the node endpoints: so many connections at once from
/// one address (an IPv6 /64 counts as one, since whoever has one address there has them all),
/// and so many in all, so that nobody can tie up the master with sockets that never finish a
/// handshake (which also times out on its own).
/// </summary>
internal sealed partial class ConnectionsPerAddress(int perAddress, int total, RefusalLog refusals, ILogger logger)
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();
    private int _total;

    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var address = Source(connection.RemoteEndPoint);
        if (Interlocked.Increment(ref _total) > total)
        {
            Interlocked.Decrement(ref _total);
            if (refusals.ShouldLog())
            {
                LogTooManyInAll(address, total);
            }

            return;
        }

        try
        {
            if (_open.AddOrUpdate(address, 1, (_, count) => count + 1) > perAddress)
            {
                Release(address);
                if (refusals.ShouldLog())
                {
                    LogTooMany(address, perAddress);
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
        }
        finally
        {
            Interlocked.Decrement(ref _total);
        }
    };

    private static IPAddress Source(EndPoint? remote) => ClientAddress.Group((remote as IPEndPoint)?.Address);

    private void Release(IPAddress address)
    {
        if (_open.AddOrUpdate(address, 0, (_, count) => count - 1) <= 0)
        {
            _open.TryRemove(new KeyValuePair<IPAddress, int>(address, 0));
        }
    }

    [LoggerMessage(LogLevel.Warning, "Closed a node API connection from {Address}: it already has {Limit} open (BACKUPD_NODE_MAX_CONNECTIONS_PER_ADDRESS)")]
    private partial void LogTooMany(IPAddress address, int limit);

    [LoggerMessage(LogLevel.Warning, "Closed a node API connection from {Address}: the node API already has {Limit} open (BACKUPD_NODE_MAX_CONNECTIONS)")]
    private partial void LogTooManyInAll(IPAddress address, int limit);
}
