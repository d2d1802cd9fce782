using Backupd.Contracts;

namespace Backupd.Grains;

/// <summary>Stored state of a directory.</summary>
[GenerateSerializer, Alias("backupd.DirectoryState")]
public sealed class DirectoryState
{
    [Id(0)] public List<string> Ids { get; set; } = [];
}

/// <inheritdoc cref="IDirectoryGrain"/>
public sealed class DirectoryGrain(
    [PersistentState("directory", StorageNames.Master)] IPersistentState<DirectoryState> directory) : Grain, IDirectoryGrain
{
    public async Task AddAsync(string id)
    {
        if (!directory.State.Ids.Contains(id))
        {
            directory.State.Ids.Add(id);
            await directory.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string id)
    {
        if (directory.State.Ids.Remove(id))
        {
            await directory.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. directory.State.Ids]);
}
