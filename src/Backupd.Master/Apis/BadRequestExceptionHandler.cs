using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Backupd.Master.Apis;

/// <summary>
/// Turns a body or parameter the API cannot read (malformed JSON, wrong types, too large) into a
/// problem that says what was wrong in the API's own words: where in the JSON, or how much is
/// allowed. It never names the master's own types.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return await problems.TryWriteAsync(
                RequestHardening.TooLarge(httpContext, httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize));
        }

        var (title, detail) = bad switch
        {
            { InnerException: JsonException json } => ("Malformed request",
                $"The request body is not the JSON this route takes{Where(json)}. Check it against GET /openapi/v1.json."),
            _ when bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase) => ("Malformed request",
                "The request body is missing or not JSON. Send a JSON object with Content-Type: application/json."),
            _ => ("Malformed request", "A value in the request's path or query cannot be read. Check it against GET /openapi/v1.json."),
        };
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = bad.StatusCode, Title = title, Detail = detail },
        });
    }

    private static string Where(JsonException json) =>
        json.Path is { Length: > 0 } path ? $" (at {path}, line {json.LineNumber + 1})" : string.Empty;
}
