using Microsoft.AspNetCore.Http;

namespace Backupd.Master.Auth;

/// <summary>Writes the 401 body the API answers with: a problem document that says how to get in.</summary>
internal static class AuthProblems
{
    public static Task WriteAsync(HttpContext context, string? bearerScheme, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (bearerScheme is not null)
        {
            context.Response.Headers.WWWAuthenticate = $"{bearerScheme} realm=\"backupd\"";
        }

        return Results.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required")
            .ExecuteAsync(context);
    }
}
