namespace Backupd.Contracts.Nodes;

/// <summary>The ids of all nodes, so the API can list them without scanning storage.</summary>
[Alias("backupd.nodes.INodeDirectoryGrain")]
public interface INodeDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds a node id.</summary>
    [Alias("Add")]
    Task AddAsync(string nodeId);

    /// <summary>Removes a node id.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string nodeId);

    /// <summary>All node ids, oldest first.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> ListAsync();
}
