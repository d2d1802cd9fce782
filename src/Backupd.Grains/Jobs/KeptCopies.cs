using Backupd.Contracts.Jobs;
using Backupd.Modules;

namespace Backupd.Grains.Jobs;

/// <summary>Which restore jobs still have, on their node, a kept copy of what they replaced.</summary>
public static class KeptCopies
{
    /// <summary>
    /// Whether <paramref name="job"/> is a restore in place that swapped (in any attempt) and kept
    /// what it replaced, whose kept copy no undo or discard has ended since (as far as the master
    /// knows: an admin may have removed it by hand).
    /// </summary>
    public static bool Holds(JobDetails job) =>
        job.Module == ModuleNames.Restore && job.State.IsFinished() && job.KeptCopyEnded is null && job.SwappedAt is not null
        && RestoreKeptCopy.Keeps(job.ConfigJson, job.State == JobState.Completed);
}
