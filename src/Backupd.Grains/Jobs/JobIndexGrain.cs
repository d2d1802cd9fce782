using Backupd.Contracts.Jobs;

namespace Backupd.Grains.Jobs;

/// <inheritdoc cref="IJobIndexGrain"/>
/// <remarks>
/// One grain holds every job's summary: fine for the tens of thousands of jobs a master keeps
/// before retention removes them. Past that, shard by month of creation.
/// </remarks>
public sealed class JobIndexGrain(
    [PersistentState("jobs", StorageNames.Master)] IPersistentState<JobIndexState> index) : Grain, IJobIndexGrain
{
    /// <summary>The largest page a query returns.</summary>
    public const int MaxLimit = 500;

    public async Task UpsertAsync(JobSummary job)
    {
        if (index.State.Jobs.TryGetValue(job.Id, out var existing) && existing == job)
        {
            return;
        }

        index.State.Jobs[job.Id] = job;
        await index.WriteStateAsync();
    }

    public Task<JobPage> QueryAsync(JobQuery query)
    {
        var limit = Math.Clamp(query.Limit, 1, MaxLimit);
        var offset = Math.Max(0, query.Offset);
        var matches = index.State.Jobs.Values
            .Where(job => query.State is null || job.State == query.State)
            .Where(job => query.NodeId is null || job.NodeId == query.NodeId)
            .Where(job => query.Module is null || job.Module == query.Module)
            .Where(job => query.ScheduleId is null || job.ScheduleId == query.ScheduleId)
            .Where(job => query.ProviderId is null || job.ProviderId == query.ProviderId)
            .Where(job => query.CreatedFrom is null || job.CreatedAt >= query.CreatedFrom)
            .Where(job => query.CreatedTo is null || job.CreatedAt < query.CreatedTo)
            .OrderByDescending(job => job.CreatedAt)
            .ThenByDescending(job => job.Id, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(new JobPage([.. matches.Skip(offset).Take(limit)], matches.Count, offset, limit));
    }
}
