using Backupd.Contracts.Jobs;
using Backupd.Grains.Jobs;
using Backupd.Master.Hosting;
using Backupd.Master.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Jobs;

/// <summary>
/// Job-history retention: removes the records of jobs that ended longer ago than
/// <c>BACKUPD_JOB_HISTORY</c> (180 days by default), except those whose bundle is still stored,
/// so the database does not grow with every job ever run. Runs at start and every hour.
/// </summary>
/// <remarks>
/// "Still stored" is what the master recorded: a completed job's bundle stays until retention
/// deletes it (which marks the job pruned). The master does not look into the store itself: a
/// local folder is on the node, and a record kept for a bundle deleted by hand costs one row.
/// </remarks>
public sealed partial class JobHistoryPruner(
    IJobIndex index,
    IGrainFactory grains,
    IOptions<MasterOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<JobHistoryPruner> logger) : BackgroundService
{
    private const int Batch = 500;

    /// <summary>How often it looks.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    /// <summary>Removes the records of every job that ended before <paramref name="endedBefore"/> and holds no stored bundle; returns how many.</summary>
    public async Task<int> PruneAsync(DateTimeOffset endedBefore, CancellationToken cancellationToken)
    {
        var removed = 0;
        while (true)
        {
            var expired = await index.ExpiredAsync(endedBefore, Batch, cancellationToken);
            var forgotten = 0;
            foreach (var id in expired)
            {
                cancellationToken.ThrowIfCancellationRequested();
                forgotten += await grains.GetGrain<IJobGrain>(id).ForgetAsync(endedBefore) ? 1 : 0;
            }

            removed += forgotten;
            // A batch the grains all kept (their rows were stale) would come back the same: stop there.
            if (expired.Count < Batch || forgotten == 0)
            {
                return removed;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var history = options.Value.JobHistory;
        if (history == TimeSpan.Zero)
        {
            return;
        }

        // Old records that stay after a failed round go in the next; nothing else depends on their removal.
        await lifetime.RunEveryAsync(Period, time, async cancellationToken =>
        {
            if (await PruneAsync(time.GetUtcNow() - history, cancellationToken) is var removed and > 0)
            {
                LogPruned(removed, history.TotalDays);
            }
        }, LogFailed, stoppingToken);
    }

    [LoggerMessage(LogLevel.Information, "Removed the records of {Count} job(s) that ended more than {Days} days ago and hold no stored bundle (BACKUPD_JOB_HISTORY)")]
    private partial void LogPruned(int count, double days);

    [LoggerMessage(LogLevel.Warning, "Could not remove old job records; trying again in an hour")]
    private partial void LogFailed(Exception exception);
}
