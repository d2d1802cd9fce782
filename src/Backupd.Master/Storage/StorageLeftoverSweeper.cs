using Backupd.Contracts.Jobs;
using Backupd.Contracts.Storage;
using Backupd.Grains.Jobs;
using Backupd.Grains.Storage;
using Backupd.Master.Hosting;
using Backupd.Master.Options;
using Backupd.Modules;
using Backupd.Modules.Storage;
using Backupd.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Storage;

/// <summary>
/// Removes what crashes leave in an S3 provider under its prefix, once older than
/// <c>BACKUPD_UPLOAD_LEFTOVER_AGE</c> (a day by default), at start and every hour, each logged:
/// multipart uploads of bundles that no running job holds open (parts left by a crash of the
/// master, or by an upload no job record claims), and bundles of ended jobs whose records say
/// their bundle is another one, or that they have none (an attempt's object that a later attempt
/// replaced while the master was down). Keys that are not bundles' are left alone (a bucket may
/// be shared).
/// </summary>
/// <remarks>
/// The job grains abort the unfinished uploads and delete the unchecked objects they recorded as
/// soon as an attempt ends; this catches what no record holds. An object is deleted only on a
/// record's word: a bundle of a job the master has no record of is kept, because that is what a
/// master that lost or restored its database sees of every backup it made. The upload half is the
/// same rule as a bucket's AbortIncompleteMultipartUpload lifecycle rule, which not every
/// S3-compatible store offers.
/// </remarks>
public sealed partial class StorageLeftoverSweeper(
    IProviderIndex providers,
    IJobIndex jobs,
    IGrainFactory grains,
    ProviderStorage storage,
    IOptions<MasterOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<StorageLeftoverSweeper> logger) : BackgroundService
{
    /// <summary>How often it looks.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    /// <summary>Removes every unclaimed upload started, and every disowned bundle stored, before <paramref name="before"/>; returns how many of each.</summary>
    public async Task<(int Aborted, int Deleted)> SweepAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        int aborted = 0, deleted = 0;
        foreach (var provider in await providers.ListAsync(cancellationToken))
        {
            if (provider.Type != StorageTypes.S3 || await grains.GetGrain<IStorageProviderGrain>(provider.Id).GetTargetSettingsAsync() is not { } settings)
            {
                continue;
            }

            using var opened = storage.Open(settings) as IDisposable;
            if (opened is not S3BundleStorage s3)
            {
                continue;
            }

            try
            {
                aborted += await AbortUnclaimedUploadsAsync(provider.Id, s3, before, cancellationToken);
                deleted += await DeleteDisownedBundlesAsync(provider.Id, settings.Prefix, s3, before, cancellationToken);
            }
            catch (ModuleFailedException ex)
            {
                // One provider's store being away or refusing must not keep the others from being swept.
                LogProviderFailed(provider.Id, ex.Message);
            }
        }

        return (aborted, deleted);
    }

    private async Task<int> AbortUnclaimedUploadsAsync(string providerId, S3BundleStorage s3, DateTimeOffset startedBefore, CancellationToken cancellationToken)
    {
        var aborted = 0;
        await foreach (var upload in s3.ListUnfinishedUploadsAsync(cancellationToken))
        {
            if (upload.Initiated < startedBefore && BundleKey.JobIdOf(upload.Key) is { } jobId
                && (await grains.GetGrain<IJobGrain>(jobId).GetAsync())?.State != JobState.Running)
            {
                await s3.Authority.AbortMultipartAsync(upload.Key, upload.UploadId, cancellationToken);
                LogAborted(providerId, upload.Key, upload.UploadId, upload.Initiated);
                aborted++;
            }
        }

        return aborted;
    }

    private async Task<int> DeleteDisownedBundlesAsync(string providerId, string prefix, S3BundleStorage s3, DateTimeOffset storedBefore, CancellationToken cancellationToken)
    {
        // The index narrows the bundles down to those of ended jobs that claim another key, so the
        // hourly look wakes no grain for the bundles retention keeps.
        Dictionary<string, JobSummary>? ended = null;
        var deleted = 0;
        await foreach (var stored in s3.ListAsync(string.Empty, cancellationToken))
        {
            if (stored.LastModified >= storedBefore || BundleKey.JobIdOf(stored.Key) is not { } jobId)
            {
                continue;
            }

            ended ??= (await jobs.QueryAllAsync(new JobQuery(ProviderId: providerId), cancellationToken))
                .Where(job => job.State.IsFinished()).ToDictionary(job => job.Id, StringComparer.Ordinal);
            if (!ended.TryGetValue(jobId, out var summary) || summary.Result?.ObjectKey == stored.Key)
            {
                continue;
            }

            // The record itself decides, and must be the job's that made this key.
            if (await grains.GetGrain<IJobGrain>(jobId).GetAsync() is { } job && job.State.IsFinished() && job.ProviderId == providerId
                && job.Result?.ObjectKey != stored.Key && BundleKey.Belongs(stored.Key, prefix, job.NodeId, job.Module, job.Id))
            {
                await s3.DeleteAsync(stored.Key, cancellationToken);
                LogDeleted(providerId, stored.Key, stored.Size, jobId, job.State, job.Result?.ObjectKey ?? "none");
                deleted++;
            }
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var age = options.Value.UploadLeftoverAge;
        if (age == TimeSpan.Zero)
        {
            return;
        }

        await lifetime.RunEveryAsync(Period, time, cancellationToken => SweepAsync(time.GetUtcNow() - age, cancellationToken), LogFailed, stoppingToken);
    }

    [LoggerMessage(LogLevel.Information, "Aborted the multipart upload {UploadId} of {Key} in provider {ProviderId}, open since {Initiated:u} and claimed by no running job (BACKUPD_UPLOAD_LEFTOVER_AGE)")]
    private partial void LogAborted(string providerId, string key, string uploadId, DateTimeOffset initiated);

    [LoggerMessage(LogLevel.Information, "Deleted {Key} ({Size} bytes) from provider {ProviderId}: a bundle of job {JobId}, which ended {State} with bundle {Claimed}, so nothing points to it (BACKUPD_UPLOAD_LEFTOVER_AGE)")]
    private partial void LogDeleted(string providerId, string key, long size, string jobId, JobState state, string claimed);

    [LoggerMessage(LogLevel.Warning, "Could not sweep the leftovers of provider {ProviderId}: {Reason}")]
    private partial void LogProviderFailed(string providerId, string reason);

    [LoggerMessage(LogLevel.Warning, "Could not sweep leftovers in storage; trying again in an hour")]
    private partial void LogFailed(Exception exception);
}
