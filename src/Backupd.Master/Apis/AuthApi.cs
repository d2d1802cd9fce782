using Backupd.Contracts.Auth;
using Backupd.Grains.Auth;
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

        group.MapDelete("/tokens/{id}", RevokeTokenAsync)
            .WithName("RevokeApiToken")
            .WithSummary("Revoke an API token by its id");

        return endpoints;
    }

    private static async Task<Results<Ok<ApiTokenResponse>, ProblemHttpResult>> IssueTokenAsync(
        HttpContext context, IGrainFactory grains, LoginThrottle throttle, CancellationToken cancellationToken)
    {
        var user = context.User.Identity?.Name;
        var password = context.Items[AdminPasswordAuthenticationHandler.PasswordItem] as string;
        var address = context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None;
        if (user is null || password is null)
        {
            return WrongCredentials(context);
        }

        // Even the right password is refused while the address is locked out: otherwise the
        // lockout would only slow a guesser down, not stop it. Other addresses are not affected.
        if (throttle.LockedFor(address, user) is { } locked)
        {
            return LockedOut(context, locked);
        }

        using var turn = await throttle.TakeTurnAsync(user, cancellationToken);
        if (!turn.IsAcquired)
        {
            BrakeProblems.SetRetryAfter(context, TimeSpan.FromSeconds(1));
            return TypedResults.Problem(
                title: "Too many logins at once",
                detail: $"More than {LoginThrottle.AccountChecksAtOnce + LoginThrottle.AccountQueue} logins to this account are being checked at once. Try again in a second.",
                statusCode: StatusCodes.Status429TooManyRequests);
        }

        // Asked again: the address may have been locked out while this attempt waited its turn.
        if (throttle.LockedFor(address, user) is { } lockedWhileWaiting)
        {
            return LockedOut(context, lockedWhileWaiting);
        }

        var issued = await grains.GetGrain<IAdminAccountGrain>(user).IssueTokenAsync(password);
        if (issued is null)
        {
            throttle.Failed(address, user);
            return WrongCredentials(context);
        }

        throttle.Succeeded(address);
        return TypedResults.Ok(new ApiTokenResponse(issued.Token, issued.Id, issued.CreatedAt));
    }

    private static ProblemHttpResult LockedOut(HttpContext context, TimeSpan locked)
    {
        var seconds = BrakeProblems.SetRetryAfter(context, locked);
        return TypedResults.Problem(
            title: "Too many wrong passwords",
            detail: $"This address sent too many wrong passwords in a row (BACKUPD_LOGIN_FAILURES_BEFORE_LOCKOUT) and is locked out. Try again in {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests);
    }

    private static ProblemHttpResult WrongCredentials(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"backupd\", charset=\"UTF-8\"";
        return TypedResults.Problem(
            title: "Wrong user name or password",
            detail: "The Basic credentials do not match an administrator. The first password is BACKUPD_ADMIN_PASSWORD or the one in <data dir>/initial-admin-password.",
            statusCode: StatusCodes.Status401Unauthorized);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(string id, IGrainFactory grains)
    {
        if (id.Length != 24 || !await grains.GetGrain<IApiTokenGrain>(id).RevokeAsync())
        {
            return TypedResults.Problem(title: "No such token", detail: $"No active API token has the id '{id}'.", statusCode: StatusCodes.Status404NotFound);
        }

        return TypedResults.NoContent();
    }
}

/// <summary>A newly issued token.</summary>
/// <param name="Token">The bearer token; shown only in this response.</param>
/// <param name="Id">The token's id, for revoking it.</param>
/// <param name="CreatedAt">When it was issued.</param>
public sealed record ApiTokenResponse(string Token, string Id, DateTimeOffset CreatedAt);
