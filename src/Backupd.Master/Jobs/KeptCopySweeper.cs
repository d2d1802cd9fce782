using Backupd.Master.Application.Jobs;
using Backupd.Master.Hosting;
using Backupd.Master.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Jobs;

/// <summary>
/// Retention of what restores keep: once a restore's kept copy is older than
/// <c>BACKUPD_RESTORE_KEPT_FOR</c> (30 days by default), a discard job removes it from the site's
/// host, so safety copies do not fill a web server's disk unseen. Runs at start and every hour.
/// </summary>
public sealed partial class KeptCopySweeper(
    KeptCopyService kept,
    IOptions<MasterOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<KeptCopySweeper> logger) : BackgroundService
{
    /// <summary>How often it looks.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    // A discard that failed (the site's database down, the node gone) is tried again a day later,
    // not every hour: each try is a job in the history.
    private static readonly TimeSpan RetryAfter = TimeSpan.FromDays(1);
    private readonly Dictionary<string, DateTimeOffset> _tried = new(StringComparer.Ordinal);

    /// <summary>Queues a discard of every kept copy past its time; returns the discard jobs' ids.</summary>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var queued = new List<string>();
        foreach (var copy in await kept.ListAsync(null, cancellationToken))
        {
            if (copy.DiscardAfter is not { } due || due > now || copy.EndingJobId is not null
                || (_tried.TryGetValue(copy.RestoreJobId, out var tried) && now - tried < RetryAfter))
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            _tried[copy.RestoreJobId] = now;
            var discard = await kept.DiscardAsync(copy.RestoreJobId);
            if (discard.Succeeded)
            {
                queued.Add(discard.Value.Id);
                LogQueued(copy.RestoreJobId, copy.NodeId, copy.Path, discard.Value.Id);
            }
            else
            {
                LogRefused(copy.RestoreJobId, copy.NodeId, copy.Path, discard.Problem.Detail);
            }
        }

        return queued;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RestoreKeptFor == TimeSpan.Zero)
        {
            return;
        }

        // The copies stay until the next round after a failed one; nothing depends on their removal meanwhile.
        await lifetime.RunEveryAsync(Period, time, SweepAsync, LogFailed, stoppingToken);
    }

    [LoggerMessage(LogLevel.Information, "Restore {RestoreJobId} kept a copy of what it replaced at {Path} on node {NodeId} longer than BACKUPD_RESTORE_KEPT_FOR: job {DiscardJobId} removes it")]
    private partial void LogQueued(string restoreJobId, string nodeId, string path, string discardJobId);

    [LoggerMessage(LogLevel.Warning, "Restore {RestoreJobId} kept a copy of what it replaced at {Path} on node {NodeId} longer than BACKUPD_RESTORE_KEPT_FOR, but it cannot be removed by a job: {Reason}")]
    private partial void LogRefused(string restoreJobId, string nodeId, string path, string reason);

    [LoggerMessage(LogLevel.Warning, "Could not look for restores' kept copies past BACKUPD_RESTORE_KEPT_FOR; trying again in an hour")]
    private partial void LogFailed(Exception exception);
}
