using Backupd.Contracts.Jobs;

namespace Backupd.Grains.Jobs;

/// <summary>
/// The job index: one row per job in the master database, written by <see cref="JobGrain"/>
/// after each write of its state, read by every list, filter and count of jobs.
/// </summary>
public interface IJobIndex
{
    /// <summary>The largest page a query returns.</summary>
    const int MaxLimit = 500;

    /// <summary>
    /// Writes the row of <paramref name="job"/>, made from the grain state of version
    /// <paramref name="stateVersion"/>; a row made from a newer state is kept.
    /// </summary>
    Task UpsertAsync(JobSummary job, long stateVersion, CancellationToken cancellationToken = default);

    /// <summary>Removes the row of a job that has no state.</summary>
    Task RemoveAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>One page of the jobs matching <paramref name="query"/>, newest first, and how many match.</summary>
    Task<JobPage> QueryAsync(JobQuery query, CancellationToken cancellationToken = default);

    /// <summary>The first <paramref name="limit"/> pending jobs of <paramref name="nodeId"/> in run order: priority, then age, then id.</summary>
    Task<IReadOnlyList<string>> PendingAsync(string nodeId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> jobs that ended before <paramref name="endedBefore"/> and
    /// hold no stored bundle (none was made, or retention deleted it), oldest first: the
    /// records job-history retention may remove.
    /// </summary>
    Task<IReadOnlyList<string>> ExpiredAsync(DateTimeOffset endedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The bundles still stored (jobs that completed with one that retention has not deleted),
    /// counted and summed per provider and schedule: what the dashboard shows as storage used and
    /// versions kept, without reading every job.
    /// </summary>
    Task<IReadOnlyList<StoredBundles>> StoredBundlesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The newest completed job of each of <paramref name="scheduleIds"/> that has one, by
    /// schedule id, in one read: the dashboard's "last success" for every schedule at once.
    /// </summary>
    Task<IReadOnlyDictionary<string, JobSummary>> LastCompletedPerScheduleAsync(IReadOnlyCollection<string> scheduleIds, CancellationToken cancellationToken = default);

    /// <summary>How many jobs match <paramref name="query"/> (its offset and limit ignored).</summary>
    Task<int> CountAsync(JobQuery query, CancellationToken cancellationToken = default);
}

/// <summary>Bundles still stored in one provider for one schedule (or for jobs started by hand, <paramref name="ScheduleId"/> null).</summary>
/// <param name="ProviderId">The provider.</param>
/// <param name="ScheduleId">The schedule, or null.</param>
/// <param name="Count">How many bundles.</param>
/// <param name="Bytes">Their size together.</param>
public sealed record StoredBundles(string ProviderId, string? ScheduleId, int Count, long Bytes);

/// <summary>Queries over the job index beyond one page.</summary>
public static class JobIndexExtensions
{
    /// <summary>Every job matching <paramref name="query"/> (its offset and limit ignored), newest first, a page at a time.</summary>
    public static async Task<List<JobSummary>> QueryAllAsync(this IJobIndex index, JobQuery query, CancellationToken cancellationToken = default)
    {
        var all = new List<JobSummary>();
        while (true)
        {
            var page = await index.QueryAsync(query with { Offset = all.Count, Limit = IJobIndex.MaxLimit }, cancellationToken);
            all.AddRange(page.Items);
            if (page.Items.Count < IJobIndex.MaxLimit)
            {
                return all;
            }
        }
    }
}
