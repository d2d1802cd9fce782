using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Modules;
using Backupd.Modules.Storage;
using Backupd.Modules.Verification;

namespace Backupd.Grains.Jobs;

/// <summary>The verify job of a finished backup, as an admin's request and a schedule both make it.</summary>
public static class VerifyJobs
{
    /// <summary>
    /// A verify job of <paramref name="backup"/>'s bundle on <paramref name="nodeId"/>. The expected
    /// size and SHA-256 are the master's record of the backup, never anyone's word; the job has no
    /// schedule, so its end is never taken for a backup run.
    /// </summary>
    /// <exception cref="ArgumentException">The backup stored no bundle.</exception>
    public static JobSpec For(JobDetails backup, string nodeId, int priority)
    {
        var result = backup.Result ?? throw new ArgumentException($"Job {backup.Id} stored no bundle.", nameof(backup));
        var config = JsonSerializer.Serialize(new BundleVerifyConfig(new BundleSource(backup.Id, result.ObjectKey, result.Size, result.Sha256)), JsonSerializerOptions.Web);
        return new JobSpec(nodeId, ModuleNames.Verify, config, backup.ProviderId, priority, JobSpec.DefaultMaxAttempts);
    }
}
