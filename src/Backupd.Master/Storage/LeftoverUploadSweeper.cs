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
/// Aborts the multipart uploads of bundles an S3 provider holds open under its prefix for longer
/// than <c>BACKUPD_UPLOAD_LEFTOVER_AGE</c> (a day by default), unless the job whose key it is still
/// runs (other keys are left alone: a bucket may be shared): parts left by a crash of the master, or by an upload no job record claims, cost storage
/// until someone aborts them. Runs at start and every hour; each abort is logged.
/// </summary>
/// <remarks>
/// The job grains abort the unfinished uploads they recorded as soon as an attempt ends; this
/// catches what no record holds. It is the same rule as a bucket's AbortIncompleteMultipartUpload
/// lifecycle rule, which not every S3-compatible store offers.
/// </remarks>
public sealed partial class LeftoverUploadSweeper(
    IProviderIndex providers,
    IGrainFactory grains,
    ProviderStorage storage,
    IOptions<MasterOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<LeftoverUploadSweeper> logger) : BackgroundService
{
    /// <summary>How often it looks.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    /// <summary>Aborts every unclaimed upload started before <paramref name="startedBefore"/>; returns how many.</summary>
    public async Task<int> SweepAsync(DateTimeOffset startedBefore, CancellationToken cancellationToken)
    {
        var aborted = 0;
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
                await foreach (var upload in s3.ListUnfinishedUploadsAsync(cancellationToken))
                {
                    // Only bundle-shaped keys: a bucket may hold other software's uploads too.
                    if (upload.Initiated < startedBefore && BundleJobId(upload.Key) is { } jobId
                        && (await grains.GetGrain<IJobGrain>(jobId).GetAsync())?.State != JobState.Running)
                    {
                        await s3.Authority.AbortMultipartAsync(upload.Key, upload.UploadId, cancellationToken);
                        LogAborted(provider.Id, upload.Key, upload.UploadId, upload.Initiated);
                        aborted++;
                    }
                }
            }
            catch (ModuleFailedException ex)
            {
                // One provider's store being away or refusing must not keep the others from being swept.
                LogProviderFailed(provider.Id, ex.Message);
            }
        }

        return aborted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var age = options.Value.UploadLeftoverAge;
        if (age == TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await lifetime.WaitUntilStartedAsync(stoppingToken);
            using var timer = new PeriodicTimer(Period, time);
            do
            {
                try
                {
                    await SweepAsync(time.GetUtcNow() - age, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the next start looks again.
        }
    }

    // A bundle key ends in "<time>-<job id>.tar.zst" (the time has no '-'); null for any other key.
    private static string? BundleJobId(string key)
    {
        var file = key[(key.LastIndexOf('/') + 1)..];
        var dash = file.IndexOf('-', StringComparison.Ordinal);
        return file.EndsWith(BundleKey.Extension, StringComparison.Ordinal) && dash > 0 && dash + 1 < file.Length - BundleKey.Extension.Length
            ? file[(dash + 1)..^BundleKey.Extension.Length]
            : null;
    }

    [LoggerMessage(LogLevel.Information, "Aborted the multipart upload {UploadId} of {Key} in provider {ProviderId}, open since {Initiated:u} and claimed by no running job (BACKUPD_UPLOAD_LEFTOVER_AGE)")]
    private partial void LogAborted(string providerId, string key, string uploadId, DateTimeOffset initiated);

    [LoggerMessage(LogLevel.Warning, "Could not sweep the unfinished uploads of provider {ProviderId}: {Reason}")]
    private partial void LogProviderFailed(string providerId, string reason);

    [LoggerMessage(LogLevel.Warning, "Could not sweep unfinished uploads; trying again in an hour")]
    private partial void LogFailed(Exception exception);
}
