namespace Backupd.Contracts.Jobs;

/// <summary>Queries over the job index beyond one page.</summary>
public static class JobIndexExtensions
{
    private const int PageSize = 500;

    /// <summary>Every job matching <paramref name="query"/> (its offset and limit ignored), newest first, a page at a time.</summary>
    public static async Task<List<JobSummary>> QueryAllAsync(this IJobIndexGrain index, JobQuery query)
    {
        var all = new List<JobSummary>();
        while (true)
        {
            var page = await index.QueryAsync(query with { Offset = all.Count, Limit = PageSize });
            all.AddRange(page.Items);
            if (page.Items.Count == 0 || all.Count >= page.Total)
            {
                return all;
            }
        }
    }
}
