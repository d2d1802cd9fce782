using Backupd.Contracts.Jobs;
using Backupd.Grains.Jobs;
using Backupd.Modules;

namespace Backupd.Master.Application.Jobs;

/// <summary>The finished backup a verify or a restore is about, with the reason when there is none to use.</summary>
internal static class StoredBackups
{
    /// <summary>Job <paramref name="jobId"/> when it is a completed backup whose bundle is still stored; 404 or 409 saying why not.</summary>
    /// <param name="grains">Where the job is.</param>
    /// <param name="jobId">The backup job.</param>
    /// <param name="use">What the bundle is wanted for, in the messages: "verify", "restore".</param>
    public static async Task<Outcome<JobDetails>> FindAsync(IGrainFactory grains, string jobId, string use)
    {
        if (await grains.GetGrain<IJobGrain>(jobId).GetAsync() is not { } backup)
        {
            return Problem.NotFound("No such job", $"No job has the id '{jobId}'. GET /api/v1/jobs lists them.");
        }

        if (ModuleNames.IsMasterOnly(backup.Module))
        {
            return Problem.Conflict("Not a backup", $"Job '{jobId}' is a {backup.Module} job, which stores no bundle. {char.ToUpperInvariant(use[0])}{use[1..]} the backup job it was about.");
        }

        if (backup.State != JobState.Completed || backup.Result is null)
        {
            return Problem.Conflict($"No bundle to {use}", $"Job '{jobId}' is {backup.State.ToString().ToLowerInvariant()} and stored no bundle; only a completed backup has one.");
        }

        if (backup.PrunedAt is { } pruned)
        {
            return Problem.Conflict("Bundle deleted", $"The bundle of job '{jobId}' was deleted by retention on {pruned:u}; there is nothing left to {use}.");
        }

        return backup;
    }
}
