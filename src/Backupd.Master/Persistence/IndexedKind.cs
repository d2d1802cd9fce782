using Backupd.Contracts;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.Nodes;
using Backupd.Contracts.Schedules;
using Backupd.Contracts.Storage;
using Backupd.Grains.Indexing;
using Backupd.Grains.Jobs;
using Backupd.Grains.Nodes;
using Backupd.Grains.Schedules;
using Backupd.Grains.Storage;

namespace Backupd.Master.Persistence;

/// <summary>
/// One kind of entity with an index table: the state name its grain stores under (the grain
/// type in <c>OrleansStorage</c>), the table of its rows, and its grain.
/// </summary>
public sealed record IndexedKind(string Name, string StateName, string Table, Func<IGrainFactory, string, IIndexedGrain> Grain)
{
    /// <summary>Every indexed kind.</summary>
    public static readonly IReadOnlyList<IndexedKind> All =
    [
        new("jobs", "job", "BackupdJobs", (grains, id) => grains.GetGrain<IJobGrain>(id)),
        new("nodes", "node", "BackupdNodes", (grains, id) => grains.GetGrain<INodeGrain>(id)),
        new("providers", "provider", "BackupdProviders", (grains, id) => grains.GetGrain<IStorageProviderGrain>(id)),
        new("schedules", "schedule", "BackupdSchedules", (grains, id) => grains.GetGrain<IScheduleGrain>(id)),
    ];
}
