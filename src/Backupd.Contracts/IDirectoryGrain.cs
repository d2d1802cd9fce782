namespace Backupd.Contracts;

/// <summary>
/// The ids of all entities of one kind, in the order they were added, so listing needs no
/// scan of grain storage. Keyed by the kind, see <see cref="Directories"/>.
/// </summary>
[Alias("backupd.IDirectoryGrain")]
public interface IDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Adds an id (once).</summary>
    [Alias("Add")]
    Task AddAsync(string id);

    /// <summary>Removes an id.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string id);

    /// <summary>All ids, oldest first.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> ListAsync();
}

/// <summary>The keys of the <see cref="IDirectoryGrain"/>s.</summary>
public static class Directories
{
    /// <summary>Nodes, pending ones included.</summary>
    public const string Nodes = "nodes";

    /// <summary>Storage providers.</summary>
    public const string Providers = "providers";

    /// <summary>Schedules.</summary>
    public const string Schedules = "schedules";

    /// <summary>The directory of <paramref name="kind"/>.</summary>
    public static IDirectoryGrain Of(this IGrainFactory grains, string kind) => grains.GetGrain<IDirectoryGrain>(kind);
}
