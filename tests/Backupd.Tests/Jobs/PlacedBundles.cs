using Backupd.Contracts.Jobs;
using Backupd.Grains.Jobs;

namespace Backupd.Tests.Jobs;

/// <summary>A result a job grain accepts: at the key it placed, and for an S3 provider as the master checked it.</summary>
internal static class PlacedBundles
{
    /// <summary>Places the job's bundle as a node asks; with <paramref name="verified"/>, records it checked as the master does after an S3 upload.</summary>
    public static async Task<JobResult> PlaceAsync(IJobGrain job, string node, int attempt, bool verified = false, long size = 42, string site = "example.org")
    {
        var sha = new string('a', 64);
        var placed = await job.PlaceBundleAsync(node, attempt, site, null) ?? throw new InvalidOperationException("The job refused to place its bundle.");
        if (verified)
        {
            await job.AuthorizeUploadAsync(node, attempt, new BundleUploadStep(BundleUploadAction.SignPut, placed.FullKey, size, sha));
            await job.RecordUploadAsync(node, attempt, new BundleUploadChange(BundleUploadAction.Verify));
        }

        return new JobResult(placed.FullKey, size, sha);
    }
}
