using Backupd.Contracts;
using Backupd.Contracts.Nodes;
using Backupd.Grains.Nodes;
using Backupd.Master.Application.Nodes;
using Backupd.Master.Brakes;
using Backupd.Master.NodeApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static Backupd.Master.Apis.ApiProblems;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/nodes</c>: registration by code, approval, and the nodes an admin manages.</summary>
public static class NodesApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapNodesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/nodes").WithTags("nodes");

        group.MapPost("/register", RegisterAsync).AllowAnonymous().RequireRateLimiting(BrakePolicies.Registration)
            .WithName("RegisterNode").WithSummary("A node asks to join with its code (no authentication)");
        group.MapPost("/register/status", ClaimAsync).AllowAnonymous().RequireRateLimiting(BrakePolicies.RegistrationStatus)
            .WithName("GetRegistrationStatus").WithSummary("A node asks, with its registration secret, whether it was approved; the first answer after approval carries its API key and certificate");
        group.MapPost("/approve", ApproveAsync)
            .WithName("ApproveNode").WithSummary("Approve a node by the code on its console");
        group.MapGet("/", ListAsync)
            .WithName("ListNodes").WithSummary("Nodes with status, online state and last contact; ?status=pending|active|disabled|expired for one kind (expired registrations are left out otherwise)");
        group.MapGet("/{id}", GetAsync)
            .WithName("GetNode").WithSummary("One node");
        group.MapPost("/{id}/disable", DisableAsync)
            .WithName("DisableNode").WithSummary("Disable a node: its certificate and key stop working, and its connections close, at once");
        group.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteNode").WithSummary("Delete a node: its certificate and key stop working, and its connections close, at once");
        return endpoints;
    }

    private static async Task<Results<Created<RegisterResponse>, ProblemHttpResult>> RegisterAsync(
        RegisterRequest body, HttpContext context, IGrainFactory grains, INodeCertificateIssuer certificates)
    {
        // Reading the JSON already dropped every other control character; a hostname is one line.
        body = body with { Hostname = body.Hostname?.Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\t", " ", StringComparison.Ordinal) };
        var problem = Validate(body, certificates);
        if (problem is not null)
        {
            return problem;
        }

        var code = body.Code!.ToUpperInvariant();
        var address = context.Connection.RemoteIpAddress;
        var result = await grains.GetGrain<IRegistrationCodeGrain>(code).RegisterAsync(new RegistrationRequest(
            body.Hostname!, code, body.RegistrationSecret!, ClientAddress.Display(address), body.CertificateRequest!, ClientAddress.Group(address).ToString()));
        switch (result.Outcome)
        {
            case RegistrationOutcome.CodeInUse:
                return Problem(StatusCodes.Status409Conflict, "Code in use", $"Another pending registration holds the code {code}. Generate a new code and register again.");
            case RegistrationOutcome.TooManyFromAddress:
                return TooManyPending(context, result.RetryAfter,
                    "This address already has as many registrations waiting for approval as one address may (BACKUPD_REGISTRATION_MAX_PENDING_PER_ADDRESS). Approve or delete them, or wait until they expire.");
            case RegistrationOutcome.TooManyPending:
                return TooManyPending(context, result.RetryAfter,
                    "The master already has as many registrations waiting for approval as it takes (BACKUPD_REGISTRATION_MAX_PENDING). Approve or delete them, or wait until they expire.");
        }

        return TypedResults.Created($"/api/v1/nodes/{result.Node!.Id}", new RegisterResponse(result.Node.Id, code, "pending"));
    }

    private static ProblemHttpResult TooManyPending(HttpContext context, TimeSpan? retryAfter, string detail)
    {
        BrakeProblems.SetRetryAfter(context, retryAfter ?? TimeSpan.FromMinutes(1));
        return Problem(StatusCodes.Status429TooManyRequests, "Too many pending registrations", detail);
    }

    private static async Task<Results<Ok<RegistrationStatusResponse>, ProblemHttpResult>> ClaimAsync(RegistrationStatusRequest body, IGrainFactory grains, NodeApiAddress nodeApi)
    {
        if (!IsCode(body.Code) || string.IsNullOrEmpty(body.RegistrationSecret))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid request", "Send { \"code\": \"<5-character code>\", \"registrationSecret\": \"…\" }.");
        }

        var result = await grains.GetGrain<IRegistrationCodeGrain>(body.Code!.ToUpperInvariant()).ClaimAsync(body.RegistrationSecret!);
        return result.Outcome switch
        {
            RegistrationOutcome.Pending => TypedResults.Ok(new RegistrationStatusResponse("pending", result.Node!.Id, null, null, null)),
            RegistrationOutcome.Ok => TypedResults.Ok(new RegistrationStatusResponse("approved", result.Node!.Id, result.ApiKey, result.Certificate, nodeApi.Url)),
            RegistrationOutcome.Expired => Problem(StatusCodes.Status410Gone, "Code expired", "The code expired before it was approved. Register again with a new code."),
            RegistrationOutcome.AlreadyUsed => Problem(StatusCodes.Status409Conflict, "Key already issued", "This registration's API key and certificate were already handed out. Delete the node on the master and register again."),
            // Unknown code and wrong secret answer alike, so the endpoint tells a guesser nothing.
            _ => Problem(StatusCodes.Status404NotFound, "No such registration", "No registration matches this code and secret."),
        };
    }

    private static async Task<Results<Ok<ApprovedNodeResponse>, ValidationProblem, ProblemHttpResult>> ApproveAsync(ApproveRequest body, NodeService nodes) =>
        ApiAnswers.Ok(await nodes.ApproveAsync(body.Code), node => new ApprovedNodeResponse(node.Id, node.Hostname, node.IpAddress));

    private static async Task<Results<Ok<NodeSummary[]>, ValidationProblem, ProblemHttpResult>> ListAsync(NodeService nodes, string? status = null) =>
        ApiAnswers.Ok(await nodes.ListAsync(status));

    private static async Task<Results<Ok<NodeSummary>, ValidationProblem, ProblemHttpResult>> GetAsync(string id, NodeService nodes) =>
        ApiAnswers.Ok(await nodes.GetAsync(id));

    private static async Task<Results<Ok<NodeSummary>, ValidationProblem, ProblemHttpResult>> DisableAsync(string id, NodeService nodes) =>
        ApiAnswers.Ok(await nodes.DisableAsync(id));

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(string id, NodeService nodes) =>
        ApiAnswers.NoContent(await nodes.DeleteAsync(id));

    private static ProblemHttpResult? Validate(RegisterRequest body, INodeCertificateIssuer certificates)
    {
        if (!IsCode(body.Code))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid code", $"\"code\" must be 5 characters from {RegistrationCode.Alphabet}.");
        }

        if (string.IsNullOrWhiteSpace(body.Hostname) || body.Hostname.Length > 253)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid hostname", "\"hostname\" must be 1 to 253 characters.");
        }

        if (body.RegistrationSecret is not { Length: >= 32 and <= 256 })
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid registration secret", "\"registrationSecret\" must be 32 to 256 characters of random data.");
        }

        if (body.CertificateRequest is not { Length: > 0 and <= MaxCertificateRequestLength } request)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid certificate request", "\"certificateRequest\" must be the node's PEM PKCS #10 request for its ECDSA P-256 key.");
        }

        if (certificates.Check(request) is { } wrong)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid certificate request", $"\"certificateRequest\": {wrong}");
        }

        return null;
    }

    // A P-256 request is about 450 characters of PEM: nothing larger is stored.
    private const int MaxCertificateRequestLength = 2048;

    private static bool IsCode(string? code) => RegistrationCode.IsValid(code);
}

/// <summary>A node's registration, with the PKCS #10 request for its certificate.</summary>
public sealed record RegisterRequest(string? Hostname, string? Code, string? RegistrationSecret, string? CertificateRequest);

/// <summary>The pending node created for a registration.</summary>
public sealed record RegisterResponse(string NodeId, string Code, string Status);

/// <summary>A node asking about its registration.</summary>
public sealed record RegistrationStatusRequest(string? Code, string? RegistrationSecret);

/// <summary><c>pending</c>, or <c>approved</c> with the API key, the certificate and where the node API is (once).</summary>
public sealed record RegistrationStatusResponse(string Status, string NodeId, string? ApiKey, NodeCertificate? Certificate, string? NodeApiUrl);

/// <summary>An admin approving a code.</summary>
public sealed record ApproveRequest(string? Code);

/// <summary>The node an approval activated.</summary>
public sealed record ApprovedNodeResponse(string Id, string Hostname, string? IpAddress);

