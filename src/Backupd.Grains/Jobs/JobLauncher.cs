using Backupd.Contracts.Jobs;
using Backupd.Modules;

namespace Backupd.Grains.Jobs;

/// <summary>
/// Where every job comes into being: the application layer's create and run-again, a
/// schedule's runs and its retention jobs. The caller has checked the spec; this gives the job
/// its id and its module's stages, and queues it.
/// </summary>
public sealed class JobLauncher(IGrainFactory grains, ModuleRegistry modules)
{
    /// <summary>Creates and queues a job for <paramref name="spec"/>.</summary>
    public Task<JobDetails> LaunchAsync(JobSpec spec)
    {
        var module = modules.Get(spec.Module);
        // Version 7: ids sort by creation time, which keeps the index's pages in insertion order.
        var id = Guid.CreateVersion7().ToString("N");
        return grains.GetGrain<IJobGrain>(id).CreateAsync(spec, [.. module.Stages.Select(stage => stage.Name)]);
    }
}
