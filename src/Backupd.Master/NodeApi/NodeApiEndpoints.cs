using System.Security.Claims;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.NodeApi;
using Backupd.Contracts.Nodes;
using Backupd.Contracts.Storage;
using Backupd.Grains.Nodes;
using Backupd.Master.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using static Backupd.Master.Apis.ApiProblems;

namespace Backupd.Master.NodeApi;

/// <summary>
/// The node API's routes (<see cref="NodeApiRoutes"/>). The caller is the node named in its
/// certificate, so a node can only ever address its own session; the API key it sends with each
/// call is checked again by that session, as a second layer.
/// </summary>
public static class NodeApiEndpoints
{
    /// <summary>Maps the routes, for node connections only.</summary>
    public static IEndpointRouteBuilder MapNodeApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(NodeApiRoutes.Prefix)
            .RequireAuthorization(AuthPolicies.Node)
            .ExcludeFromDescription()
            .AddEndpointFilter(RefusedAsForbidden);

        group.MapPost("/heartbeat", HeartbeatAsync);
        group.MapPost("/jobs/next", TakeJobAsync);
        group.MapPost("/jobs/{jobId}/report", ReportAsync);
        group.MapPost("/jobs/{jobId}/finish", FinishAsync);
        group.MapPost("/jobs/{jobId}/release", ReleaseAsync);
        group.MapPost("/jobs/{jobId}/storage", StorageAsync);
        group.MapPost("/certificate", RenewCertificateAsync);
        group.MapGet("/signals", NodeSignalStream.RunAsync);
        group.MapBundleUploads();
        return endpoints;
    }

    /// <summary>The node's session grain and the key it presented, from the request.</summary>
    internal static (INodeSessionGrain Session, string ApiKey) Caller(HttpContext context, IGrainFactory grains)
    {
        var nodeId = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        var header = context.Request.Headers[HeaderNames.Authorization].ToString();
        var apiKey = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : string.Empty;
        return (grains.GetGrain<INodeSessionGrain>(nodeId), apiKey);
    }

    private static async Task<NoContent> HeartbeatAsync(NodeCapabilities capabilities, HttpContext context, IGrainFactory grains)
    {
        var (session, apiKey) = Caller(context, grains);
        await session.HeartbeatAsync(apiKey, capabilities);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<JobAssignment>, NoContent>> TakeJobAsync(HttpContext context, IGrainFactory grains)
    {
        var (session, apiKey) = Caller(context, grains);
        return await session.TakeJobAsync(apiKey) is { } assignment ? TypedResults.Ok(assignment) : TypedResults.NoContent();
    }

    private static async Task<Ok<LeaseResponse>> ReportAsync(string jobId, JobReportRequest body, HttpContext context, IGrainFactory grains)
    {
        var (session, apiKey) = Caller(context, grains);
        return TypedResults.Ok(new LeaseResponse(await session.ReportJobAsync(apiKey, jobId, body.Attempt, body.Report)));
    }

    private static async Task<Ok<LeaseResponse>> FinishAsync(string jobId, JobFinishRequest body, HttpContext context, IGrainFactory grains)
    {
        var (session, apiKey) = Caller(context, grains);
        return TypedResults.Ok(new LeaseResponse(await session.FinishJobAsync(apiKey, jobId, body.Attempt, body.Outcome)));
    }

    private static async Task<Ok<LeaseResponse>> ReleaseAsync(string jobId, JobReleaseRequest body, HttpContext context, IGrainFactory grains)
    {
        var (session, apiKey) = Caller(context, grains);
        return TypedResults.Ok(new LeaseResponse(await session.ReleaseJobAsync(apiKey, jobId, body.Attempt, body.Reason ?? string.Empty, body.Report ?? new JobProgressReport([], []), body.KeptWork)));
    }

    private static async Task<Ok<StorageTargetSettings>> StorageAsync(string jobId, JobStorageRequest body, HttpContext context, IGrainFactory grains)
    {
        var (session, apiKey) = Caller(context, grains);
        return TypedResults.Ok(await session.GetJobStorageAsync(apiKey, jobId, body.Attempt, body.ProviderId));
    }

    private static async Task<Results<Ok<NodeCertificate>, ProblemHttpResult>> RenewCertificateAsync(
        CertificateRenewalRequest body, HttpContext context, IGrainFactory grains, NodeConnections connections)
    {
        var (session, apiKey) = Caller(context, grains);
        var serial = context.User.FindFirstValue(NodeCertificateAuthenticationHandler.CertificateSerialClaim)!;
        NodeCertificate renewed;
        try
        {
            renewed = await session.RenewCertificateAsync(apiKey, serial, body.CertificateRequestPem);
        }
        catch (ArgumentException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid certificate request", ex.Message);
        }

        // The renewing certificate becomes the previous one; any older one is valid no more, nor are its connections.
        using var issued = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(renewed.CertificatePem);
        connections.Close(context.User.FindFirstValue(ClaimTypes.NameIdentifier)!, new HashSet<string>(StringComparer.Ordinal) { serial, issued.SerialNumber });
        return TypedResults.Ok(renewed);
    }

    // The session refuses a wrong key, a disabled node, another node's job: all one answer, 403.
    private static async ValueTask<object?> RefusedAsForbidden(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (UnauthorizedAccessException ex)
        {
            return Problem(StatusCodes.Status403Forbidden, "Refused", ex.Message);
        }
    }
}
