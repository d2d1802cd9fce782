using System.Collections.Concurrent;

namespace Backupd.Master.NodeApi;

/// <summary>
/// One signal stream per node: a node's queue keeps one observer, so a second stream would only
/// take it from the first. The newest stream wins and the one before is ended.
/// </summary>
public sealed class NodeSignalStreams
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _open = new(StringComparer.Ordinal);

    /// <summary>Ends the node's earlier stream, if any; the token ends this one when a newer stream opens.</summary>
    /// <returns>A handle that forgets this stream when disposed.</returns>
    public IDisposable Open(string nodeId, out CancellationToken replaced)
    {
        var source = new CancellationTokenSource();
        replaced = source.Token;
        _open.AddOrUpdate(nodeId, source, (_, earlier) =>
        {
            earlier.Cancel();
            return source;
        });
        return new Handle(this, nodeId, source);
    }

    private sealed class Handle(NodeSignalStreams owner, string nodeId, CancellationTokenSource source) : IDisposable
    {
        public void Dispose()
        {
            owner._open.TryRemove(new KeyValuePair<string, CancellationTokenSource>(nodeId, source));
            source.Dispose();
        }
    }
}
