using Backupd.Contracts.Auth;
using Backupd.Grains.Auth;
using Backupd.Master.Application.Auth;
using Backupd.Master.Auth;
using Backupd.Master.Brakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/auth</c>: API tokens for scripts and the PowerShell module.</summary>
public static class AuthApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/auth").WithTags("auth");

        group.MapPost("/tokens", IssueTokenAsync)
            .RequireAuthorization(AuthPolicies.AdminPassword)
            .RequireRateLimiting(BrakePolicies.Login)
            .WithName("IssueApiToken")
            .WithSummary("Issue an API token")
            .WithDescription("Send HTTP Basic admin:<password>. The token is shown once; send it as 'Authorization: Bearer <token>'.");

        group.MapGet("/tokens", async (HttpContext context, TokenService tokens) => TypedResults.Ok(await tokens.ListAsync(context.User.Identity!.Name!)))
            .WithName("ListApiTokens")
            .WithSummary("List the API tokens issued to you, newest first; never their secrets");

        group.MapDelete("/tokens/{id}", RevokeTokenAsync)
            .WithName("RevokeApiToken")
            .WithSummary("Revoke an API token by its id");

        return endpoints;
    }

    private static async Task<Results<Ok<ApiTokenResponse>, ProblemHttpResult>> IssueTokenAsync(
        HttpContext context, TokenService tokens, CancellationToken cancellationToken)
    {
        var user = context.User.Identity?.Name;
        var password = context.Items[AdminPasswordAuthenticationHandler.PasswordItem] as string;
        if (user is null || password is null)
        {
            return Refused(context, SignInRefusal.WrongCredentials);
        }

        var address = context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None;
        var issued = await tokens.IssueAsync(user, password, address, cancellationToken);
        return issued.Value is { } token
            ? TypedResults.Ok(new ApiTokenResponse(token.Token, token.Id, token.CreatedAt))
            : Refused(context, issued.Refusal!);
    }

    private static ProblemHttpResult Refused(HttpContext context, SignInRefusal refusal)
    {
        if (refusal.RetryAfter is { } retryAfter)
        {
            BrakeProblems.SetRetryAfter(context, retryAfter);
        }

        if (refusal.Kind == SignInRefusalKind.WrongCredentials)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"backupd\", charset=\"UTF-8\"";
        }

        return TypedResults.Problem(
            title: refusal.Title,
            detail: refusal.Detail,
            statusCode: refusal.Kind == SignInRefusalKind.WrongCredentials ? StatusCodes.Status401Unauthorized : StatusCodes.Status429TooManyRequests);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(string id, TokenService tokens) =>
        await tokens.RevokeAsync(id) is { Succeeded: false } refused
            ? TypedResults.Problem(title: refused.Problem.Title, detail: refused.Problem.Detail, statusCode: StatusCodes.Status404NotFound)
            : TypedResults.NoContent();
}

/// <summary>A newly issued token.</summary>
/// <param name="Token">The bearer token; shown only in this response.</param>
/// <param name="Id">The token's id, for revoking it.</param>
/// <param name="CreatedAt">When it was issued.</param>
public sealed record ApiTokenResponse(string Token, string Id, DateTimeOffset CreatedAt);
