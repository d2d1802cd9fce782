using Backupd.Master.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backupd.Master.Persistence;

/// <summary>
/// Brings the index tables up to date with the stored state once the silo is up: rows a crash
/// left behind (the state was written, its row not yet), rows of a database from before a
/// table existed, rows whose entity is gone. Each is re-indexed by its own grain, from its state.
/// </summary>
public sealed partial class IndexReconciler(
    SqliteIndexVersions versions,
    IndexReadiness readiness,
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    ILogger<IndexReconciler> logger) : BackgroundService
{
    /// <summary>Re-indexes <paramref name="ids"/> of <paramref name="kind"/> from their grains' state; returns how many.</summary>
    public static async Task<int> ReindexAsync(IGrainFactory grains, IndexedKind kind, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        // A few at a time: each activates a grain and writes a row; more at once only queues on the database.
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (id, _) => await kind.Grain(grains, id).ReindexAsync());
        return ids.Count;
    }

    /// <summary>Re-indexes every entity of every kind; returns how many of each.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> RebuildAsync(SqliteIndexVersions versions, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var kind in IndexedKind.All)
        {
            counts[kind.Name] = await ReindexAsync(grains, kind, await versions.ListAllAsync(kind, cancellationToken), cancellationToken);
        }

        return counts;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WaitUntilStartedAsync(stoppingToken);
            foreach (var kind in IndexedKind.All)
            {
                var stale = await versions.FindStaleAsync(kind, stoppingToken);
                if (stale.Count > 0)
                {
                    LogReindexing(stale.Count, kind.Name);
                    await ReindexAsync(grains, kind, stale, stoppingToken);
                    LogReindexed(stale.Count, kind.Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the next start looks again.
        }
        catch (Exception ex)
        {
            // The lists may be out of date until the next start or a rebuild; the entities themselves are fine.
            LogFailed(ex);
        }
        finally
        {
            readiness.Complete();
        }
    }

    [LoggerMessage(LogLevel.Warning, "Re-indexing {Count} {Kind} whose index row is missing, older than their state, or without state")]
    private partial void LogReindexing(int count, string kind);

    [LoggerMessage(LogLevel.Information, "Re-indexed {Count} {Kind}")]
    private partial void LogReindexed(int count, string kind);

    [LoggerMessage(LogLevel.Error, "Could not bring the index tables up to date; lists may be out of date until the next start or POST /api/v1/system/index/rebuild")]
    private partial void LogFailed(Exception exception);
}
