namespace Backupd.Grains.Indexing;

/// <summary>
/// A grain whose state has a row in one of the master's index tables (jobs, nodes, providers,
/// schedules), which lists read instead of activating every grain.
/// </summary>
[Alias("backupd.IIndexedGrain")]
public interface IIndexedGrain : IGrainWithStringKey
{
    /// <summary>Writes the grain's index row from its stored state, or removes the row of a grain without state.</summary>
    [Alias("Reindex")]
    Task ReindexAsync();
}
