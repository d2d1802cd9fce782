using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Backupd.Master.Brakes;

/// <summary>How a brake answers: 429 with <c>Retry-After</c>, and a problem that says which limit and which setting.</summary>
internal static class BrakeProblems
{
    /// <summary>Sets <c>Retry-After</c> in whole seconds, rounded up (at least 1).</summary>
    public static int SetRetryAfter(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = (int)Math.Clamp(Math.Ceiling(retryAfter.TotalSeconds), 1, int.MaxValue);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }

    /// <summary>Writes the 429.</summary>
    public static Task WriteAsync(HttpContext context, TimeSpan retryAfter, string title, Func<int, string> detail)
    {
        var seconds = SetRetryAfter(context, retryAfter);
        return Results.Problem(title: title, detail: detail(seconds), statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context);
    }
}
