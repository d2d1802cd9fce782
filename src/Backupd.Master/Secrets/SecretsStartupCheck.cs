using Backupd.Master.Hosting;
using Backupd.Master.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backupd.Master.Secrets;

/// <summary>
/// Once the master is up, opens every stored secret with the configured keys and names, in the
/// log, each holder whose secrets no key opens: a key left out of <c>BACKUPD_SECRET_KEY</c> shows
/// at start, not when a schedule's night run fails.
/// </summary>
public sealed partial class SecretsStartupCheck(
    SecretHolders holders, IndexReadiness indexes, IHostApplicationLifetime lifetime, ILogger<SecretsStartupCheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WaitUntilStartedAsync(stoppingToken);
            // Holders are listed from the index tables: all of them only once those are up to date.
            await indexes.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        var all = await holders.ListAsync();
        var unreadable = 0;
        foreach (var holder in all)
        {
            var count = await holder.Grain.CountUnreadableSecretsAsync();
            if (count > 0)
            {
                unreadable++;
                LogUnreadable(holder.Kind, holder.Id, count);
            }
        }

        if (unreadable == 0)
        {
            LogAllReadable(all.Count);
        }
    }

    [LoggerMessage(LogLevel.Error, "The {Kind} {Id} holds {Count} secret(s) that no key in BACKUPD_SECRET_KEY (or secret.key) opens: the key they were encrypted with is missing. Add it back (after the current key) and run `backupd secrets rotate`, or enter the secrets again")]
    private partial void LogUnreadable(string kind, string id, int count);

    [LoggerMessage(LogLevel.Information, "The stored secrets of {Count} provider(s), schedule(s) and job(s) open with the configured keys")]
    private partial void LogAllReadable(int count);
}
