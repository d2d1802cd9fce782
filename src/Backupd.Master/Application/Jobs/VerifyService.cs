using Backupd.Contracts.Jobs;
using Backupd.Grains.Jobs;

namespace Backupd.Master.Application.Jobs;

/// <summary>
/// Verify jobs: a finished backup's bundle downloaded and checked by a node against what the
/// master recorded (size, SHA-256) and against its own manifest. The expected values come from the
/// master's record of the backup, never from the admin's request or the node.
/// </summary>
public sealed class VerifyService(IGrainFactory grains, WorkChecks checks, JobLauncher launcher)
{
    /// <summary>Queues a verify job for the bundle of backup job <paramref name="jobId"/>.</summary>
    public async Task<Outcome<JobDetails>> VerifyAsync(string jobId, VerifyRequest request)
    {
        var found = await StoredBackups.FindAsync(grains, jobId, "verify");
        if (!found.Succeeded)
        {
            return found.Problem;
        }

        var backup = found.Value;
        var errors = new List<FieldError>();
        var nodeId = string.IsNullOrWhiteSpace(request.NodeId) ? backup.NodeId : request.NodeId;
        if (request.Priority is < JobSpec.MinPriority or > JobSpec.MaxPriority)
        {
            errors.Add(new("priority", $"must be from {JobSpec.MinPriority} to {JobSpec.MaxPriority}"));
        }

        await checks.CheckTargetsAsync(nodeId, backup.ProviderId, errors);
        await checks.CheckBundleReachableAsync(backup.NodeId, backup.ProviderId, nodeId, "nodeId", errors);

        if (errors.Count > 0)
        {
            return Problem.Invalid("Invalid verify request", errors);
        }

        return await launcher.LaunchAsync(VerifyJobs.For(backup, nodeId!, request.Priority ?? JobSpec.DefaultPriority));
    }
}

/// <summary>A request to verify a backup's bundle.</summary>
/// <param name="NodeId">The node that downloads and checks it; the node that made the backup when absent.</param>
/// <param name="Priority">0–10, default 5.</param>
public sealed record VerifyRequest(string? NodeId, int? Priority);
