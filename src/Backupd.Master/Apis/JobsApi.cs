using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.Nodes;
using Backupd.Contracts.Storage;
using Backupd.Grains.Jobs;
using Backupd.Modules;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static Backupd.Master.Apis.ApiProblems;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/jobs</c>: ask for a backup, follow it, cancel it.</summary>
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
        return endpoints;
    }

    private static async Task<Results<Created<CreatedJobResponse>, ValidationProblem>> CreateAsync(CreateJobRequest body, IGrainFactory grains, ModuleRegistry modules)
    {
        var errors = new List<(string, string)>();
        var module = ValidateWork(body.Module, body.Config, body.Priority, modules, errors);
        if (body.MaxAttempts is < 1 or > 10)
        {
            errors.Add(("maxAttempts", "must be from 1 to 10"));
        }

        await ValidateTargetsAsync(body.NodeId, body.ProviderId, grains, errors);
        if (errors.Count > 0)
        {
            return Invalid("Invalid job", errors);
        }

        var id = Guid.CreateVersion7().ToString("N");
        var spec = new JobSpec(body.NodeId!, module!.Name, body.Config!.Value.GetRawText(), body.ProviderId!,
            body.Priority ?? JobSpec.DefaultPriority, body.MaxAttempts ?? JobSpec.DefaultMaxAttempts);
        var job = await grains.GetGrain<IJobGrain>(id).CreateAsync(spec, [.. module.Stages.Select(s => s.Name)]);
        return TypedResults.Created($"/api/v1/jobs/{id}", new CreatedJobResponse(job.Id, job.State));
    }

    /// <summary>
    /// The module must exist, its config must pass the module's schema and the priority must be
    /// in range; shared with schedules. Returns the module when it exists.
    /// </summary>
    internal static BackupModule? ValidateWork(string? moduleName, JsonElement? config, int? priority, ModuleRegistry modules, List<(string, string)> errors)
    {
        var module = moduleName is null ? null : modules.Find(moduleName);
        if (string.IsNullOrWhiteSpace(moduleName))
        {
            errors.Add(("module", $"is required (one of: {string.Join(", ", modules.All.Select(m => m.Name))})"));
        }
        else if (module is null)
        {
            errors.Add(("module", $"'{moduleName}' is not a module (known: {string.Join(", ", modules.All.Select(m => m.Name))})"));
        }

        if (priority is < JobSpec.MinPriority or > JobSpec.MaxPriority)
        {
            errors.Add(("priority", $"must be from {JobSpec.MinPriority} to {JobSpec.MaxPriority}"));
        }

        if (module is not null)
        {
            if (config is not { ValueKind: JsonValueKind.Object } value)
            {
                errors.Add(("config", $"is required: a JSON object (GET /api/v1/modules shows the {module.Name} schema)"));
            }
            else
            {
                errors.AddRange(module.ValidateConfig(value).Select(e => (e.Field.Length == 0 ? "config" : $"config.{e.Field}", e.Message)));
            }
        }

        return module;
    }

    /// <summary>The node must be active and the provider must exist; shared with schedules.</summary>
    internal static async Task ValidateTargetsAsync(string? nodeId, string? providerId, IGrainFactory grains, List<(string, string)> errors)
    {
        if (string.IsNullOrWhiteSpace(nodeId))
        {
            errors.Add(("nodeId", "is required (GET /api/v1/nodes lists the nodes)"));
        }
        else if (await grains.GetGrain<INodeGrain>(nodeId).GetSummaryAsync() is not { } node)
        {
            errors.Add(("nodeId", $"no node has the id '{nodeId}' (GET /api/v1/nodes lists the nodes)"));
        }
        else if (node.Status != NodeStatus.Active)
        {
            errors.Add(("nodeId", $"node '{nodeId}' is {node.Status.ToString().ToLowerInvariant()}, not active"));
        }

        if (string.IsNullOrWhiteSpace(providerId))
        {
            errors.Add(("providerId", "is required (GET /api/v1/providers lists the providers)"));
        }
        else if (await grains.GetGrain<IStorageProviderGrain>(providerId).GetAsync() is null)
        {
            errors.Add(("providerId", $"no provider has the id '{providerId}' (GET /api/v1/providers lists the providers)"));
        }
    }

    private static async Task<Results<Ok<JobPage>, ValidationProblem>> ListAsync(
        IJobIndex jobs, string? state = null, string? nodeId = null, string? module = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int offset = 0, int limit = 50, string? scheduleId = null, string? providerId = null)
    {
        JobState? parsedState = null;
        if (state is not null)
        {
            if (!Enum.TryParse<JobState>(state, ignoreCase: true, out var s) || int.TryParse(state, out _))
            {
                return Invalid("Invalid query", [("state", $"must be one of {string.Join(", ", Enum.GetNames<JobState>().Select(n => n.ToLowerInvariant()))}")]);
            }

            parsedState = s;
        }

        if (offset < 0 || limit is < 1 or > 500)
        {
            return Invalid("Invalid query", [("limit", "offset must be 0 or more and limit from 1 to 500")]);
        }

        var page = await jobs.QueryAsync(new JobQuery(parsedState, nodeId, module, from, to, offset, limit, scheduleId, providerId));
        return TypedResults.Ok(page);
    }

    private static async Task<Results<Ok<JobDetails>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IJobGrain>(id).GetAsync() is { } job ? TypedResults.Ok(job) : JobNotFound(id);

    private static async Task<Results<Ok<JobDetails>, ProblemHttpResult>> CancelAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IJobGrain>(id).CancelAsync() is { } job ? TypedResults.Ok(job) : JobNotFound(id);

    private static ProblemHttpResult JobNotFound(string id) =>
        Problem(StatusCodes.Status404NotFound, "No such job", $"No job has the id '{id}'. GET /api/v1/jobs lists them.");
}

/// <summary>A request for a job.</summary>
/// <param name="NodeId">The node that runs it.</param>
/// <param name="Module">The module, e.g. <c>wordpress</c>.</param>
/// <param name="Config">The module's config (see <c>GET /api/v1/modules</c>).</param>
/// <param name="ProviderId">Where the bundle goes.</param>
/// <param name="Priority">0–10, default 5; higher runs first.</param>
/// <param name="MaxAttempts">Starts allowed when a node vanishes mid-run; default 2.</param>
public sealed record CreateJobRequest(string? NodeId, string? Module, JsonElement? Config, string? ProviderId, int? Priority, int? MaxAttempts);

/// <summary>The job created.</summary>
public sealed record CreatedJobResponse(string Id, JobState State);
