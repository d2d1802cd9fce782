using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Backupd.Master.NodeApi;

/// <summary>
/// The node API's live connections, by the node whose certificate opened them, so that disabling
/// or deleting a node cuts its connections at once, its open signal stream included.
/// </summary>
public sealed class NodeConnections
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ConnectionContext>> _byNode = new(StringComparer.Ordinal);

    /// <summary>Records a connection until the returned handle is disposed.</summary>
    public IDisposable Add(string nodeId, ConnectionContext connection)
    {
        _byNode.GetOrAdd(nodeId, _ => new(StringComparer.Ordinal))[connection.ConnectionId] = connection;
        return new Registration(this, nodeId, connection.ConnectionId);
    }

    /// <summary>How many connections the node has open now.</summary>
    public int Count(string nodeId) => _byNode.TryGetValue(nodeId, out var connections) ? connections.Count : 0;

    /// <summary>Closes every connection of <paramref name="nodeId"/>.</summary>
    /// <returns>How many were closed.</returns>
    public int Close(string nodeId)
    {
        if (!_byNode.TryRemove(nodeId, out var connections))
        {
            return 0;
        }

        foreach (var connection in connections.Values)
        {
            connection.Abort(new ConnectionAbortedException($"Node {nodeId} was disabled or deleted."));
        }

        return connections.Count;
    }

    private void Remove(string nodeId, string connectionId)
    {
        if (_byNode.TryGetValue(nodeId, out var connections) && connections.TryRemove(connectionId, out _) && connections.IsEmpty)
        {
            _byNode.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, ConnectionContext>>(nodeId, connections));
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
