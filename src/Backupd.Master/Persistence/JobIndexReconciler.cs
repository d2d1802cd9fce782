using Backupd.Contracts.Jobs;
using Backupd.Grains.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backupd.Master.Persistence;

/// <summary>
/// Brings the job index up to date with the jobs' stored state once the silo is up: rows a
/// crash left behind (the state was written, its row not yet), rows of a database from before
/// the index, rows whose job is gone. Each is re-indexed by its own grain, from its state.
/// </summary>
public sealed partial class JobIndexReconciler(
    IJobIndex index,
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    ILogger<JobIndexReconciler> logger) : BackgroundService
{
    /// <summary>Re-indexes <paramref name="jobIds"/> from their grains' state; returns how many.</summary>
    public static async Task<int> ReindexAsync(IGrainFactory grains, IReadOnlyList<string> jobIds, CancellationToken cancellationToken)
    {
        // A few at a time: each activates a grain and writes a row; more at once only queues on the database.
        await Parallel.ForEachAsync(jobIds, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (id, _) => await grains.GetGrain<IJobGrain>(id).ReindexAsync());
        return jobIds.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken);
            var stale = await index.FindStaleAsync(stoppingToken);
            if (stale.Count > 0)
            {
                LogReindexing(stale.Count);
                await ReindexAsync(grains, stale, stoppingToken);
                LogReindexed(stale.Count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the next start looks again.
        }
        catch (Exception ex)
        {
            // The lists may be out of date until the next start or a rebuild; the jobs themselves are fine.
            LogFailed(ex);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Re-indexing {Count} job(s) whose index row is missing or older than their state")]
    private partial void LogReindexing(int count);

    [LoggerMessage(LogLevel.Information, "Re-indexed {Count} job(s)")]
    private partial void LogReindexed(int count);

    [LoggerMessage(LogLevel.Error, "Could not bring the job index up to date; lists of jobs may be out of date until the next start or POST /api/v1/system/index/rebuild")]
    private partial void LogFailed(Exception exception);
}
