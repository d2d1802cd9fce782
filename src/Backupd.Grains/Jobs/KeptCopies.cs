using Backupd.Contracts.Jobs;
using Backupd.Modules;

namespace Backupd.Grains.Jobs;

/// <summary>Which restore jobs still have, on their node, a kept copy of what they replaced.</summary>
public static class KeptCopies
{
    /// <summary>
    /// Whether <paramref name="job"/> is a restore that swapped with safetyBackup on, in place, and
    /// whose kept copy no undo or discard has ended since (as far as the master knows: an admin may
    /// have removed it by hand).
    /// </summary>
    public static bool Holds(JobDetails job) =>
        job.Module == ModuleNames.Restore && job.State.IsFinished() && job.KeptCopyEnded is null
        && job.Stages.Any(stage => stage.Name == RestoreKeptCopy.SwapStage && stage.Status == StageStatus.Completed)
        && RestoreKeptCopy.Keeps(job.ConfigJson);
}
