using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.Schedules;
using Backupd.Grains.Schedules;
using Backupd.Master.Application.Jobs;
using Backupd.Master.Options;
using Backupd.Scheduling;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Application.Schedules;

/// <summary>Schedules as an admin handles them: create, change, delete, list, run now, and when they run next.</summary>
public sealed class ScheduleService(IGrainFactory grains, IScheduleIndex index, WorkChecks checks, IOptions<MasterOptions> options, TimeProvider time)
{
    /// <summary>Checks the request and creates the schedule.</summary>
    public async Task<Outcome<ScheduleDetails>> CreateAsync(ScheduleRequest request)
    {
        var (definition, errors) = await CheckAsync(request);
        if (definition is null)
        {
            return Problem.Invalid("Invalid schedule", errors);
        }

        return await grains.GetGrain<IScheduleGrain>(Guid.CreateVersion7().ToString("N")).CreateAsync(definition);
    }

    /// <summary>Checks the request and replaces the schedule's settings.</summary>
    public async Task<Outcome<ScheduleDetails>> UpdateAsync(string id, ScheduleRequest request)
    {
        var (definition, errors) = await CheckAsync(request);
        if (definition is null)
        {
            return Problem.Invalid("Invalid schedule", errors);
        }

        return await grains.GetGrain<IScheduleGrain>(id).UpdateAsync(definition) is { } updated ? updated : NotFound(id);
    }

    /// <summary>Deletes the schedule; its jobs and bundles stay.</summary>
    public async Task<Outcome<Done>> DeleteAsync(string id) =>
        await grains.GetGrain<IScheduleGrain>(id).DeleteAsync() ? Done.Value : NotFound(id);

    /// <summary>Every schedule with its next run and its last job's state, from the schedule index.</summary>
    public Task<IReadOnlyList<ScheduleDetails>> ListAsync(ScheduleFilter? filter = null) => index.ListAsync(filter ?? ScheduleFilter.All);

    /// <summary>One schedule with its history.</summary>
    public async Task<Outcome<ScheduleDetails>> GetAsync(string id) =>
        await grains.GetGrain<IScheduleGrain>(id).GetAsync() is { } schedule ? schedule : NotFound(id);

    /// <summary>Runs the schedule's job now; returns the job's id.</summary>
    public async Task<Outcome<string>> RunNowAsync(string id) =>
        await grains.GetGrain<IScheduleGrain>(id).RunNowAsync() switch
        {
            null => NotFound(id),
            { JobId: { } jobId } => jobId,
            { Problem: var problem } => Problem.Conflict("Schedule cannot run", problem ?? "The schedule made no job."),
        };

    /// <summary>The next <paramref name="count"/> occurrences in the schedule's time zone.</summary>
    public async Task<Outcome<NextRuns>> NextRunsAsync(string id, int count)
    {
        if (count is < 1 or > 100)
        {
            return Problem.Invalid("Invalid query", "count", "must be from 1 to 100");
        }

        var grain = grains.GetGrain<IScheduleGrain>(id);
        if (await grain.GetAsync() is not { } schedule)
        {
            return NotFound(id);
        }

        return new NextRuns(schedule.Definition.TimeZone, await grain.NextAsync(count));
    }

    /// <summary>
    /// What a cron expression means before any schedule has it: in words, and its next
    /// <paramref name="count"/> runs in <paramref name="timeZone"/> (UTC when empty), or the same
    /// field errors creating a schedule with it would give. The dashboard asks as the admin types.
    /// </summary>
    public Outcome<CronPreview> PreviewCron(string? cron, string? timeZone, int count = 5)
    {
        var errors = new List<FieldError>();
        var zone = string.IsNullOrWhiteSpace(timeZone) ? CronSchedule.DefaultTimeZoneId : timeZone.Trim();
        if (CheckCron(cron, zone, errors) is not { } schedule)
        {
            return Problem.Invalid("Invalid schedule", errors);
        }

        var next = schedule.Next(time.GetUtcNow(), Math.Clamp(count, 1, 100))
            .Select(at => TimeZoneInfo.ConvertTime(at, schedule.TimeZone)).ToArray();
        return new CronPreview(CronReading.Describe(cron!), schedule.TimeZone.Id, next);
    }

    // The cron and time zone checks, field by field; the schedule when both are good.
    private CronSchedule? CheckCron(string? expression, string timeZone, List<FieldError> errors)
    {
        var minInterval = options.Value.ScheduleMinInterval;
        if (!CronSchedule.TryParse(expression, timeZone, out var cron, out var cronError))
        {
            // The parser names the field ('cron' or 'timeZone') at the start of its message.
            errors.Add(new(cronError.Contains("'timeZone'", StringComparison.Ordinal) ? "timeZone" : "cron", cronError));
            return null;
        }

        if (cron.ShortestInterval(time.GetUtcNow()) is var shortest && shortest < minInterval)
        {
            errors.Add(new("cron", $"'{expression}' fires as often as every {shortest.TotalSeconds:0} s; schedules may fire at most every {minInterval.TotalSeconds:0} s (BACKUPD_SCHEDULE_MIN_INTERVAL)"));
            return null;
        }

        return cron;
    }

    private async Task<(ScheduleDefinition? Definition, List<FieldError> Errors)> CheckAsync(ScheduleRequest request)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
        {
            errors.Add(new("name", "is required: 1 to 100 characters"));
        }

        var timeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? CronSchedule.DefaultTimeZoneId : request.TimeZone;
        CheckCron(request.Cron, timeZone, errors);

        var module = checks.CheckWork(request.Module, request.Config, request.Priority, errors);
        if (request.CatchUpWindowMinutes is < 0 or > 7 * 24 * 60)
        {
            errors.Add(new("catchUpWindowMinutes", "must be from 0 to 10080 (a week)"));
        }

        RetentionSettings? retention = null;
        if (request.Retention is { } r)
        {
            if (RetentionPolicy.TryCreate(r.KeepLast, r.KeepDaily, r.KeepWeekly, r.KeepMonthly, out _, out var retentionError))
            {
                retention = r;
            }
            else
            {
                errors.Add(new("retention", retentionError));
            }
        }

        if (request.TestRestoreAfterBackup == true && module is not null && module.Name != Modules.ModuleNames.WordPress)
        {
            errors.Add(new("testRestoreAfterBackup", "test-restores are for wordpress schedules"));
        }

        var testRestoreCron = string.IsNullOrWhiteSpace(request.TestRestoreCron) ? null : request.TestRestoreCron.Trim();
        if (testRestoreCron is not null)
        {
            if (module is not null && module.Name != Modules.ModuleNames.WordPress)
            {
                errors.Add(new("testRestoreCron", "test-restores are for wordpress schedules"));
            }

            // The schedule's time zone is checked (and named) once, with its own cron.
            var cronErrors = new List<FieldError>();
            CheckCron(testRestoreCron, timeZone, cronErrors);
            errors.AddRange(cronErrors.Where(e => e.Field == "cron").Select(e => new FieldError("testRestoreCron", e.Message)));
        }

        await checks.CheckTargetsAsync(request.NodeId, request.ProviderId, errors);
        var (testNode, testPath) = await CheckTestRestorePlaceAsync(request, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new ScheduleDefinition(request.Name!.Trim(), request.Cron!.Trim(), timeZone!, request.NodeId!, module!.Name, request.Config!.Value.GetRawText(), request.ProviderId!,
            request.Priority ?? JobSpec.DefaultPriority, request.Enabled ?? true, retention,
            request.CatchUpWindowMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : ScheduleDefinition.DefaultCatchUpWindow, request.VerifyAfterBackup ?? false,
            request.TestRestoreAfterBackup ?? false, testNode, testPath, testRestoreCron), errors);
    }

    // Where a schedule's test-restores run: beside the site by default, or beside another
    // WordPress install (whose own files and database the scratch copy uses), on any node that
    // can read the schedule's bundles, e.g. a spare host kept for proving restores.
    private async Task<(string? NodeId, string? Path)> CheckTestRestorePlaceAsync(ScheduleRequest request, List<FieldError> errors)
    {
        var chosenNode = string.IsNullOrWhiteSpace(request.TestRestoreNodeId) ? null : request.TestRestoreNodeId.Trim();
        // The schedule's own node is the default: stored as none, so that moving the schedule moves its test-restores too.
        var node = chosenNode == request.NodeId ? null : chosenNode;
        var trimmed = request.TestRestorePath?.Trim();
        var path = string.IsNullOrEmpty(trimmed) ? null : trimmed.Length > 1 ? trimmed.TrimEnd('/') : trimmed;
        if ((chosenNode is not null || path is not null) && request.TestRestoreAfterBackup != true && string.IsNullOrWhiteSpace(request.TestRestoreCron))
        {
            errors.Add(new(chosenNode is not null ? "testRestoreNodeId" : "testRestorePath", "says where test-restores run: give it with testRestoreAfterBackup: true or a testRestoreCron"));
            return (null, null);
        }

        if (path is not null && !System.IO.Path.IsPathFullyQualified(path))
        {
            errors.Add(new("testRestorePath", $"'{path}' is not an absolute path: give the root of a WordPress install on the test-restore node (where wp-load.php is)"));
        }

        if (node is null)
        {
            return (null, path);
        }

        if (path is null)
        {
            errors.Add(new("testRestorePath", $"is required with testRestoreNodeId: the root of a WordPress install on node '{node}' whose own files and database the scratch copy uses"));
        }

        await checks.CheckNodeAsync(node, "testRestoreNodeId", errors);
        if (request.NodeId is not null)
        {
            await checks.CheckBundleReachableAsync(request.NodeId, request.ProviderId, node, "testRestoreNodeId", errors);
        }

        return (node, path);
    }

    private static Problem NotFound(string id) => Problem.NotFound("No such schedule", $"No schedule has the id '{id}'. GET /api/v1/schedules lists them.");
}

/// <summary>A schedule's settings, for create and update.</summary>
/// <param name="Name">A name people recognise.</param>
/// <param name="Cron">Standard 5-field cron (minute hour day-of-month month day-of-week), or 6 fields with seconds first.</param>
/// <param name="TimeZone">An IANA time zone, e.g. <c>Europe/Berlin</c>; UTC when empty.</param>
/// <param name="NodeId">The node that runs the jobs.</param>
/// <param name="Module">The module, e.g. <c>wordpress</c>.</param>
/// <param name="Config">The module's config.</param>
/// <param name="ProviderId">Where the bundles go.</param>
/// <param name="Priority">0–10, default 5.</param>
/// <param name="Enabled">Default true.</param>
/// <param name="Retention">How many bundles to keep (restic's keep-last/daily/weekly/monthly).</param>
/// <param name="CatchUpWindowMinutes">How late a run missed while the master was down may still start; default 60.</param>
/// <param name="VerifyAfterBackup">After each successful run, a verify job downloads the new bundle and checks it; default false.</param>
/// <param name="TestRestoreAfterBackup">After each successful run, a test-restore job restores the new bundle into a scratch copy, checks it and removes it; default false.</param>
/// <param name="TestRestoreNodeId">The node the test-restores run on; the schedule's node when absent. Another node needs <paramref name="TestRestorePath"/> and a provider it can read (not a local folder).</param>
/// <param name="TestRestorePath">The root of a WordPress install on the test-restore node, whose own files and database (under a scratch table prefix) the scratch copy uses; the backed-up site when absent.</param>
/// <param name="TestRestoreCron">Besides (or instead of) after each run: at these times, in the schedule's time zone, a test-restore of the schedule's newest bundle.</param>
public sealed record ScheduleRequest(
    string? Name, string? Cron, string? TimeZone, string? NodeId, string? Module, JsonElement? Config, string? ProviderId,
    int? Priority = null, bool? Enabled = null, RetentionSettings? Retention = null, int? CatchUpWindowMinutes = null, bool? VerifyAfterBackup = null,
    bool? TestRestoreAfterBackup = null, string? TestRestoreNodeId = null, string? TestRestorePath = null, string? TestRestoreCron = null);

/// <summary>A cron expression read before it is saved.</summary>
/// <param name="Reading">In plain words.</param>
/// <param name="TimeZone">The zone the runs are in.</param>
/// <param name="Next">The next runs, in that zone.</param>
public sealed record CronPreview(string Reading, string TimeZone, IReadOnlyList<DateTimeOffset> Next);

/// <summary>The next occurrences of a schedule.</summary>
public sealed record NextRuns(string TimeZone, IReadOnlyList<DateTimeOffset> Occurrences);
