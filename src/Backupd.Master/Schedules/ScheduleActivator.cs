using Backupd.Contracts.Schedules;
using Backupd.Grains.Schedules;
using Backupd.Master.Hosting;
using Backupd.Master.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backupd.Master.Schedules;

/// <summary>
/// Wakes every schedule once the silo is up, so a schedule catches up on a missed run at once
/// after a restart instead of when its reminder next fires (up to a minute later).
/// </summary>
public sealed partial class ScheduleActivator(
    IGrainFactory grains, IScheduleIndex schedules, IndexReadiness indexes, IHostApplicationLifetime lifetime, ILogger<ScheduleActivator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lifetime.WaitUntilStartedAsync(stoppingToken);
            // The enabled schedules are read from the schedule index: all of them once it is up to date.
            await indexes.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The master stopped before it was up (a start-up failure says why); nothing to wake.
            return;
        }

        IReadOnlyList<string> ids;
        try
        {
            // Disabled schedules have no timer to start.
            ids = [.. (await schedules.ListAsync(new ScheduleFilter(Enabled: true), stoppingToken)).Select(s => s.Id)];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Each enabled schedule's reminder wakes it within a minute anyway.
            LogListFailed(ex);
            return;
        }

        foreach (var id in ids)
        {
            try
            {
                // Activation alone starts an enabled schedule's timer; its details would wake its last job too.
                await grains.GetGrain<IScheduleGrain>(id).WakeAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWakeFailed(ex, id);
            }
        }

        LogWoken(ids.Count);
    }

    [LoggerMessage(LogLevel.Information, "Woke {Count} enabled schedule(s)")]
    private partial void LogWoken(int count);

    [LoggerMessage(LogLevel.Warning, "Could not list the enabled schedules to wake them; their reminders wake them within a minute")]
    private partial void LogListFailed(Exception exception);

    [LoggerMessage(LogLevel.Warning, "Could not wake schedule {ScheduleId}")]
    private partial void LogWakeFailed(Exception exception, string scheduleId);
}
