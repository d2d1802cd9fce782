using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Master.Application.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/jobs</c>: ask for a backup, follow it, cancel it, run it again, verify its bundle.</summary>
public static class JobsApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/jobs").WithTags("jobs");
        group.MapPost("/", CreateAsync)
            .WithName("CreateJob").WithSummary("Queue a job on a node; the module's config is checked against its schema first");
        group.MapGet("/", ListAsync)
            .WithName("ListJobs").WithSummary("Jobs, newest first, filtered by state, nodeId, module, scheduleId, providerId and creation time (from, to), paged by offset and limit");
        group.MapGet("/{id}", GetAsync)
            .WithName("GetJob").WithSummary("One job with its stages, log and result");
        group.MapPost("/{id}/cancel", CancelAsync)
            .WithName("CancelJob").WithSummary("Cancel a job: a pending one at once, a running one at its next checkpoint");
        group.MapPost("/{id}/run-again", RunAgainAsync)
            .WithName("RunJobAgain").WithSummary("Run a job that ended again as a new job: a scheduled one through its schedule, any other with the same settings (send { \"config\": … } when its config had secrets)");
        group.MapPost("/{id}/verify", VerifyAsync)
            .WithName("VerifyJob").WithSummary("Queue a verify job: a node downloads the backup's bundle and checks its size and SHA-256 against the master's record and every member against its manifest (body { \"nodeId\", \"priority\" }, both optional)");
        return endpoints;
    }

    private static async Task<Results<Created<CreatedJobResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateJobRequest body, JobService jobs) =>
        ApiAnswers.Created(await jobs.CreateAsync(body), job => $"/api/v1/jobs/{job.Id}", job => new CreatedJobResponse(job.Id, job.State));

    private static async Task<Results<Ok<JobPage>, ValidationProblem, ProblemHttpResult>> ListAsync(
        JobService jobs, string? state = null, string? nodeId = null, string? module = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int offset = 0, int limit = 50, string? scheduleId = null, string? providerId = null) =>
        ApiAnswers.Ok(await jobs.ListAsync(state, new JobQuery(null, nodeId, module, from, to, offset, limit, scheduleId, providerId)));

    private static async Task<Results<Ok<JobDetails>, ValidationProblem, ProblemHttpResult>> GetAsync(string id, JobService jobs) =>
        ApiAnswers.Ok(await jobs.GetAsync(id));

    private static async Task<Results<Ok<JobDetails>, ValidationProblem, ProblemHttpResult>> CancelAsync(string id, JobService jobs) =>
        ApiAnswers.Ok(await jobs.CancelAsync(id));

    private static async Task<Results<Created<CreatedJobResponse>, ValidationProblem, ProblemHttpResult>> RunAgainAsync(string id, JobService jobs, RunAgainRequest? body = null) =>
        ApiAnswers.Created(await jobs.RunAgainAsync(id, body?.Config), job => $"/api/v1/jobs/{job.Id}", job => new CreatedJobResponse(job.Id, job.State));

    private static async Task<Results<Created<CreatedJobResponse>, ValidationProblem, ProblemHttpResult>> VerifyAsync(string id, VerifyService verify, VerifyRequest? body = null) =>
        ApiAnswers.Created(await verify.VerifyAsync(id, body ?? new VerifyRequest(null, null)), job => $"/api/v1/jobs/{job.Id}", job => new CreatedJobResponse(job.Id, job.State));
}

/// <summary>The job created.</summary>
public sealed record CreatedJobResponse(string Id, JobState State);

/// <summary>What running a job again may carry: the config, with the secrets a finished job no longer holds.</summary>
public sealed record RunAgainRequest(JsonElement? Config);
