using Backupd.Contracts.Jobs;
using Backupd.Contracts.Schedules;
using Backupd.Master.Application.Schedules;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

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

    private static async Task<Results<Created<ScheduleDetails>, ValidationProblem, ProblemHttpResult>> CreateAsync(ScheduleRequest body, ScheduleService schedules) =>
        ApiAnswers.Created(await schedules.CreateAsync(body), schedule => $"/api/v1/schedules/{schedule.Id}", schedule => schedule);

    private static async Task<Results<Ok<ScheduleDetails>, ValidationProblem, ProblemHttpResult>> UpdateAsync(string id, ScheduleRequest body, ScheduleService schedules) =>
        ApiAnswers.Ok(await schedules.UpdateAsync(id, body));

    private static async Task<Ok<ScheduleDetails[]>> ListAsync(ScheduleService schedules) =>
        TypedResults.Ok((await schedules.ListAsync()).ToArray());

    private static async Task<Results<Ok<ScheduleDetails>, ValidationProblem, ProblemHttpResult>> GetAsync(string id, ScheduleService schedules) =>
        ApiAnswers.Ok(await schedules.GetAsync(id));

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(string id, ScheduleService schedules) =>
        ApiAnswers.NoContent(await schedules.DeleteAsync(id));

    private static async Task<Results<Created<CreatedJobResponse>, ValidationProblem, ProblemHttpResult>> RunAsync(string id, ScheduleService schedules) =>
        ApiAnswers.Created(await schedules.RunNowAsync(id), jobId => $"/api/v1/jobs/{jobId}", jobId => new CreatedJobResponse(jobId, JobState.Pending));

    private static async Task<Results<Ok<NextRuns>, ValidationProblem, ProblemHttpResult>> NextAsync(string id, ScheduleService schedules, int count = 5) =>
        ApiAnswers.Ok(await schedules.NextRunsAsync(id, count));
}
