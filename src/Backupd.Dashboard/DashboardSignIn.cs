using System.Globalization;
using System.Security.Claims;
using Backupd.Master.Application.Auth;
using Backupd.Master.Auth;
using Backupd.Master.Brakes;
using Backupd.Master.Options;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Backupd.Dashboard;

/// <summary>
/// The sign-in and sign-out form posts: plain endpoints rather than component code, so they sit
/// behind the same per-address rate limit as the API's token route, and the password goes
/// through the same lockout (<see cref="AdminSignIn"/>).
/// </summary>
public static class DashboardSignIn
{
    /// <summary>The one account the dashboard signs in (the API's too).</summary>
    public const string AdminUser = "admin";

    /// <summary>Maps the two form posts.</summary>
    public static IEndpointRouteBuilder MapDashboardSignIn(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(DashboardAuth.SignInAction, SignInAsync)
            .AllowAnonymous()
            .RequireRateLimiting(BrakePolicies.Login)
            .ExcludeFromDescription();

        endpoints.MapPost(DashboardAuth.SignOutAction, SignOutAsync)
            .RequireAuthorization(DashboardAuth.Policy)
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .ExcludeFromDescription();

        return endpoints;
    }

    // [FromForm] makes the antiforgery middleware check the form's token before this runs.
    private static async Task<IResult> SignInAsync(
        HttpContext context, [FromForm] string? password, [FromForm] string? returnUrl,
        AdminSignIn signIn, IOptions<MasterOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var back = SafeReturnUrl(returnUrl);
        if (string.IsNullOrEmpty(password))
        {
            return Results.Redirect(SignInPage(back, "empty", null));
        }

        var address = context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None;
        var checkedPassword = await signIn.SignInAsync(AdminUser, address, async account => await account.CheckPasswordAsync(password) ? AdminUser : null, cancellationToken);
        if (checkedPassword.Refusal is { } refusal)
        {
            return Results.Redirect(SignInPage(back, refusal.Kind.ToString(), refusal.RetryAfter));
        }

        var expires = time.GetUtcNow() + options.Value.DashboardSession;
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, AdminUser),
                new Claim(ClaimTypes.Role, AuthSchemes.AdminRole),
                new Claim(DashboardAuth.SessionClaim, Guid.NewGuid().ToString("N")),
                new Claim(DashboardAuth.ExpiresClaim, expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ],
            DashboardAuth.Scheme);
        await context.SignInAsync(DashboardAuth.Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false, ExpiresUtc = expires });
        return Results.Redirect(back);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, DashboardSessions sessions)
    {
        // The middleware only records a failed check for an endpoint that binds no form: refuse here.
        if (context.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is not { IsValid: true })
        {
            return Results.Problem(title: "Sign-out refused", detail: "The form's antiforgery token is missing or wrong. Sign out with the dashboard's own button.", statusCode: StatusCodes.Status400BadRequest);
        }

        await sessions.EndAsync(context.User);
        await context.SignOutAsync(DashboardAuth.Scheme);
        // Pages the browser kept (Back after signing out on a shared computer) go too.
        context.Response.Headers["Clear-Site-Data"] = "\"cache\"";
        return Results.Redirect(DashboardAuth.SignInPath + "?signedOut=1");
    }

    /// <summary>The sign-in page, saying why the last attempt was refused.</summary>
    internal static string SignInPage(string returnUrl, string? refusal, TimeSpan? retryAfter)
    {
        var query = new Dictionary<string, string?> { ["returnUrl"] = returnUrl == "/" ? null : returnUrl, ["refused"] = refusal };
        if (retryAfter is { } wait)
        {
            query["retryAfter"] = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(DashboardAuth.SignInPath, query.Where(pair => pair.Value is not null));
    }

    /// <summary>
    /// A page of this dashboard to go back to after signing in: a local path only, never another
    /// site (an open redirect would let a phishing link send the admin on from a real sign-in).
    /// </summary>
    internal static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        // Browsers drop tabs and newlines from a Location, so "/\t/evil.example" would leave the site;
        // anything but printable ASCII is refused (a page path of this dashboard has none).
        && url.All(c => c is > ' ' and < (char)0x7F)
        && !url.Contains("://", StringComparison.Ordinal) && !url.StartsWith(DashboardAuth.SignInPath, StringComparison.OrdinalIgnoreCase)
            ? url
            : "/";
}
