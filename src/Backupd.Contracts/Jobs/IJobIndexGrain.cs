namespace Backupd.Contracts.Jobs;

/// <summary>
/// The list of all jobs, kept up to date by the job grains, so listing and filtering never
/// activates a job. A single grain (key 0).
/// </summary>
[Alias("backupd.jobs.IJobIndexGrain")]
public interface IJobIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or replaces a job's line.</summary>
    [Alias("Upsert")]
    Task UpsertAsync(JobSummary job);

    /// <summary>Filters and pages, newest first.</summary>
    [Alias("Query")]
    Task<JobPage> QueryAsync(JobQuery query);
}
