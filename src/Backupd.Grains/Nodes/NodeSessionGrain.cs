using Backupd.Contracts.Nodes;

namespace Backupd.Grains.Nodes;

/// <inheritdoc cref="INodeSessionGrain"/>
public sealed class NodeSessionGrain : Grain, INodeSessionGrain
{
    public async Task HeartbeatAsync(string apiKey, NodeCapabilities capabilities)
    {
        var node = await AuthenticateAsync(apiKey);
        await node.RecordHeartbeatAsync(capabilities);
    }

    /// <summary>
    /// The key must name this grain's node and match that node's stored hash: whatever id a
    /// caller addresses, it can act only as the node whose key it holds.
    /// </summary>
    private async Task<INodeGrain> AuthenticateAsync(string apiKey)
    {
        var nodeId = this.GetPrimaryKeyString();
        var node = GrainFactory.GetGrain<INodeGrain>(nodeId);
        if (!NodeApiKeyFormat.TryParse(apiKey, out var keyNodeId) || keyNodeId != nodeId || !await node.AuthenticateAsync(apiKey))
        {
            throw new UnauthorizedAccessException($"The API key is not valid for node {nodeId}, or the node is disabled or deleted.");
        }

        return node;
    }
}
