using Backupd.Contracts.Nodes;

namespace Backupd.Grains.Nodes;

/// <inheritdoc cref="INodeDirectoryGrain"/>
public sealed class NodeDirectoryGrain(
    [PersistentState("directory", StorageNames.Master)] IPersistentState<NodeDirectoryState> directory) : Grain, INodeDirectoryGrain
{
    public async Task AddAsync(string nodeId)
    {
        if (!directory.State.NodeIds.Contains(nodeId))
        {
            directory.State.NodeIds.Add(nodeId);
            await directory.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string nodeId)
    {
        if (directory.State.NodeIds.Remove(nodeId))
        {
            await directory.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. directory.State.NodeIds]);
}
