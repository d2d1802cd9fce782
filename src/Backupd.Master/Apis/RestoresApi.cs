using Backupd.Master.Application.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/restores</c>: put a site back from a backup, as a job that <c>GET /api/v1/jobs/{id}</c> follows.</summary>
public static class RestoresApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapRestoresApi(this IEndpointRouteBuilder endpoints)
    {
        var restores = endpoints.MapGroup("/api/v1/restores").WithTags("restores");
        restores.MapPost("/", CreateAsync)
            .WithName("CreateRestore").WithSummary("Restore a completed WordPress backup in place (database, files or both; some paths of wp-content; a dry run that only plans) as a job on the backup's node");
        restores.MapGet("/kept", ListKeptAsync)
            .WithName("ListKeptCopies").WithSummary("The copies restores in place kept of what they replaced (safetyBackup), still on the sites' nodes, newest first; ?nodeId= for one node's");
        restores.MapPost("/{id}/undo", UndoAsync)
            .WithName("UndoRestore").WithSummary("Put back what a completed restore in place replaced and kept (safetyBackup), as a job on the site's node; what the restore had put there is kept in turn");
        restores.MapPost("/{id}/discard", DiscardAsync)
            .WithName("DiscardKeptCopy").WithSummary("Remove what a restore in place replaced and kept (its tables under the kept prefix, its files beside wp-content), as a job on the site's node; the restore can no longer be undone");
        return endpoints;
    }

    private static async Task<Results<Created<CreatedJobResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(RestoreRequest body, RestoreService restores) =>
        ApiAnswers.Created(await restores.RestoreAsync(body), job => $"/api/v1/jobs/{job.Id}", job => new CreatedJobResponse(job.Id, job.State));

    private static async Task<Ok<IReadOnlyList<KeptCopy>>> ListKeptAsync(KeptCopyService kept, string? nodeId, CancellationToken cancellationToken) =>
        TypedResults.Ok(await kept.ListAsync(string.IsNullOrWhiteSpace(nodeId) ? null : nodeId, cancellationToken));

    private static async Task<Results<Created<CreatedJobResponse>, ValidationProblem, ProblemHttpResult>> UndoAsync(string id, KeptCopyService kept) =>
        ApiAnswers.Created(await kept.UndoAsync(id), job => $"/api/v1/jobs/{job.Id}", job => new CreatedJobResponse(job.Id, job.State));

    private static async Task<Results<Created<CreatedJobResponse>, ValidationProblem, ProblemHttpResult>> DiscardAsync(string id, KeptCopyService kept) =>
        ApiAnswers.Created(await kept.DiscardAsync(id), job => $"/api/v1/jobs/{job.Id}", job => new CreatedJobResponse(job.Id, job.State));
}
