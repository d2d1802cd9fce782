using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Backupd.Master.NodeApi;

/// <summary>
/// The node API's live connections, by the node whose certificate opened them and by that
/// certificate, so that disabling or deleting a node cuts its connections at once (its open
/// signal stream included), and a renewal cuts those of certificates that are no longer valid.
/// </summary>
public sealed class NodeConnections
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, (string SerialNumber, ConnectionContext Connection)>> _byNode = new(StringComparer.Ordinal);

    /// <summary>Records a connection until the returned handle is disposed.</summary>
    public IDisposable Add(string nodeId, string serialNumber, ConnectionContext connection)
    {
        _byNode.GetOrAdd(nodeId, _ => new(StringComparer.Ordinal))[connection.ConnectionId] = (serialNumber, connection);
        return new Registration(this, nodeId, connection.ConnectionId);
    }

    /// <summary>Closes every connection of <paramref name="nodeId"/>.</summary>
    /// <returns>How many were closed.</returns>
    public int Close(string nodeId) => Close(nodeId, keep: new HashSet<string>());

    /// <summary>Closes the connections of <paramref name="nodeId"/> made with a certificate not in <paramref name="keep"/>.</summary>
    /// <returns>How many were closed.</returns>
    public int Close(string nodeId, IReadOnlySet<string> keep)
    {
        if (!_byNode.TryGetValue(nodeId, out var connections))
        {
            return 0;
        }

        var closed = 0;
        foreach (var (id, (serial, connection)) in connections)
        {
            if (!keep.Contains(serial) && connections.TryRemove(id, out _))
            {
                connection.Abort(new ConnectionAbortedException($"The certificate of node {nodeId} that opened this connection is no longer valid."));
                closed++;
            }
        }

        return closed;
    }

    private void Remove(string nodeId, string connectionId)
    {
        if (_byNode.TryGetValue(nodeId, out var connections) && connections.TryRemove(connectionId, out _) && connections.IsEmpty)
        {
            _byNode.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, (string, ConnectionContext)>>(nodeId, connections));
        }
    }

    private sealed class Registration(NodeConnections owner, string nodeId, string connectionId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Remove(nodeId, connectionId);
            }
        }
    }
}
