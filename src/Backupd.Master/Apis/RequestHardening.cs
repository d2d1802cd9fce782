using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Backupd.Master.Apis;

/// <summary>
/// What every answer of the master carries, and how much it reads: the usual browser
/// protections (ready for the dashboard), no caching of anything the API says (tokens, keys and
/// node lists included), and small request bodies, smaller still where no login is needed.
/// </summary>
public static class RequestHardening
{
    /// <summary>The most an admin route reads: providers, jobs and schedules are a few KiB of JSON.</summary>
    public const long MaxAdminRequestBytes = 1024 * 1024;

    /// <summary>The most a route without a login reads: a registration or a token request.</summary>
    public const long MaxAnonymousRequestBytes = 16 * 1024;

    private static readonly string[] AnonymousBodyRoutes = ["/api/v1/nodes/register", "/api/v1/auth/tokens", "/auth/signin"];

    /// <summary>Adds the headers and the body limits.</summary>
    public static IApplicationBuilder UseRequestHardening(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // Same-origin only; inline styles for the dashboard's components, the circuit's websocket to the same host.
        headers.ContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
        // Nothing the master says is kept by a browser or proxy (tokens, keys, node lists, dashboard
        // pages with job logs), except the dashboard's fingerprinted static files.
        if (!context.Request.Path.StartsWithSegments("/_content", StringComparison.OrdinalIgnoreCase)
            && !context.Request.Path.StartsWithSegments("/_framework", StringComparison.OrdinalIgnoreCase))
        {
            // The pair antiforgery wants on a page with a form; it would otherwise override it with a warning.
            headers.CacheControl = "no-cache, no-store";
            headers.Pragma = "no-cache";
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            var anonymous = AnonymousBodyRoutes.Any(route => context.Request.Path.StartsWithSegments(route, StringComparison.OrdinalIgnoreCase));
            var limit = anonymous ? MaxAnonymousRequestBytes : MaxAdminRequestBytes;
            bodySize.MaxRequestBodySize = limit;
            // A declared length over the limit is refused before a byte of the body is read, so a
            // client that waits for 100-continue gets the same explained problem as one that streams.
            if (context.Request.ContentLength > limit)
            {
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(TooLarge(context, limit));
                return;
            }
        }

        await next(context);
    });

    /// <summary>The problem for a body over its route's limit, worded for whoever sent it.</summary>
    internal static ProblemDetailsContext TooLarge(HttpContext context, long? limit)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        return new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Request too large",
                Detail = $"The request body is larger than this route takes ({(limit is { } bytes ? $"{bytes / 1024} KiB" : "its limit")}). Send less.",
            },
        };
    }
}
