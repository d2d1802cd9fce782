using System.Text.Json;
using Backupd.Contracts;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.Schedules;
using Backupd.Master.Options;
using Backupd.Modules;
using Backupd.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static Backupd.Master.Apis.ApiProblems;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/schedules</c>: backups that run by themselves, and how many bundles they keep.</summary>
public static class SchedulesApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapSchedulesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/schedules").WithTags("schedules");
        group.MapPost("/", CreateAsync).WithName("CreateSchedule").WithSummary("Add a schedule (cron + time zone), with optional retention");
        group.MapGet("/", ListAsync).WithName("ListSchedules").WithSummary("All schedules with their next run and last result");
        group.MapGet("/{id}", GetAsync).WithName("GetSchedule").WithSummary("One schedule with its history");
        group.MapPut("/{id}", UpdateAsync).WithName("UpdateSchedule").WithSummary("Replace a schedule's settings");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteSchedule").WithSummary("Delete a schedule; its jobs and bundles stay");
        group.MapPost("/{id}/run", RunAsync).WithName("RunSchedule").WithSummary("Run the schedule's job now");
        group.MapGet("/{id}/next", NextAsync).WithName("GetScheduleNextRuns").WithSummary("The next occurrences (count, default 5) in the schedule's time zone");
        return endpoints;
    }

    private static async Task<Results<Created<ScheduleDetails>, ValidationProblem>> CreateAsync(
        ScheduleRequest body, IGrainFactory grains, ModuleRegistry modules, MasterOptions options, TimeProvider time)
    {
        var (definition, errors) = await ValidateAsync(body, grains, modules, options, time);
        if (definition is null)
        {
            return Invalid("Invalid schedule", errors);
        }

        var id = Guid.CreateVersion7().ToString("N");
        var created = await grains.GetGrain<IScheduleGrain>(id).CreateAsync(definition);
        return TypedResults.Created($"/api/v1/schedules/{id}", created);
    }

    private static async Task<Results<Ok<ScheduleDetails>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, ScheduleRequest body, IGrainFactory grains, ModuleRegistry modules, MasterOptions options, TimeProvider time)
    {
        var (definition, errors) = await ValidateAsync(body, grains, modules, options, time);
        if (definition is null)
        {
            return Invalid("Invalid schedule", errors);
        }

        return await grains.GetGrain<IScheduleGrain>(id).UpdateAsync(definition) is { } updated ? TypedResults.Ok(updated) : NotFound(id);
    }

    private static async Task<Ok<ScheduleDetails[]>> ListAsync(IGrainFactory grains)
    {
        var ids = await grains.Of(Directories.Schedules).ListAsync();
        var schedules = await Task.WhenAll(ids.Select(id => grains.GetGrain<IScheduleGrain>(id).GetAsync()));
        return TypedResults.Ok(schedules.OfType<ScheduleDetails>().ToArray());
    }

    private static async Task<Results<Ok<ScheduleDetails>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IScheduleGrain>(id).GetAsync() is { } schedule ? TypedResults.Ok(schedule) : NotFound(id);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IScheduleGrain>(id).DeleteAsync() ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Results<Created<CreatedJobResponse>, ProblemHttpResult>> RunAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IScheduleGrain>(id).RunNowAsync() switch
        {
            null => NotFound(id),
            { JobId: { } jobId } => TypedResults.Created($"/api/v1/jobs/{jobId}", new CreatedJobResponse(jobId, JobState.Pending)),
            { Problem: var problem } => Problem(StatusCodes.Status409Conflict, "Schedule cannot run", problem ?? "The schedule made no job."),
        };

    private static async Task<Results<Ok<NextRunsResponse>, ProblemHttpResult, ValidationProblem>> NextAsync(string id, IGrainFactory grains, int count = 5)
    {
        if (count is < 1 or > 100)
        {
            return Invalid("Invalid query", [("count", "must be from 1 to 100")]);
        }

        var grain = grains.GetGrain<IScheduleGrain>(id);
        if (await grain.GetAsync() is not { } schedule)
        {
            return NotFound(id);
        }

        return TypedResults.Ok(new NextRunsResponse(schedule.Definition.TimeZone, await grain.NextAsync(count)));
    }

    private static async Task<(ScheduleDefinition? Definition, List<(string, string)> Errors)> ValidateAsync(
        ScheduleRequest body, IGrainFactory grains, ModuleRegistry modules, MasterOptions options, TimeProvider time)
    {
        var errors = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 100)
        {
            errors.Add(("name", "is required: 1 to 100 characters"));
        }

        var timeZone = string.IsNullOrWhiteSpace(body.TimeZone) ? CronSchedule.DefaultTimeZoneId : body.TimeZone;
        if (!CronSchedule.TryParse(body.Cron, timeZone, out var cron, out var cronError))
        {
            // The parser names the field ('cron' or 'timeZone') at the start of its message.
            errors.Add((cronError.Contains("'timeZone'", StringComparison.Ordinal) ? "timeZone" : "cron", cronError));
        }
        else if (cron.ShortestInterval(time.GetUtcNow()) is var shortest && shortest < options.ScheduleMinInterval)
        {
            errors.Add(("cron", $"'{body.Cron}' fires as often as every {shortest.TotalSeconds:0} s; schedules may fire at most every {options.ScheduleMinInterval.TotalSeconds:0} s (BACKUPD_SCHEDULE_MIN_INTERVAL)"));
        }

        var module = JobsApi.ValidateWork(body.Module, body.Config, body.Priority, modules, errors);
        if (body.CatchUpWindowMinutes is < 0 or > 7 * 24 * 60)
        {
            errors.Add(("catchUpWindowMinutes", "must be from 0 to 10080 (a week)"));
        }

        RetentionSettings? retention = null;
        if (body.Retention is { } r)
        {
            if (RetentionPolicy.TryCreate(r.KeepLast, r.KeepDaily, r.KeepWeekly, r.KeepMonthly, out _, out var retentionError))
            {
                retention = r;
            }
            else
            {
                errors.Add(("retention", retentionError));
            }
        }

        await JobsApi.ValidateTargetsAsync(body.NodeId, body.ProviderId, grains, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new ScheduleDefinition(body.Name!.Trim(), body.Cron!.Trim(), timeZone!, body.NodeId!, module!.Name, body.Config!.Value.GetRawText(), body.ProviderId!,
            body.Priority ?? JobSpec.DefaultPriority, body.Enabled ?? true, retention,
            body.CatchUpWindowMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : ScheduleDefinition.DefaultCatchUpWindow), errors);
    }

    private static ProblemHttpResult NotFound(string id) =>
        Problem(StatusCodes.Status404NotFound, "No such schedule", $"No schedule has the id '{id}'. GET /api/v1/schedules lists them.");
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
public sealed record ScheduleRequest(
    string? Name, string? Cron, string? TimeZone, string? NodeId, string? Module, JsonElement? Config, string? ProviderId,
    int? Priority = null, bool? Enabled = null, RetentionSettings? Retention = null, int? CatchUpWindowMinutes = null);

/// <summary>The next occurrences of a schedule.</summary>
public sealed record NextRunsResponse(string TimeZone, IReadOnlyList<DateTimeOffset> Occurrences);
