using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Backupd.Master.Apis;

/// <summary>Problem answers shared by the APIs.</summary>
internal static class ApiProblems
{
    /// <summary>A problem with a status, a short title and a detail that says how to fix it.</summary>
    public static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status);

    /// <summary>
    /// A 400 listing every field at fault: <c>errors</c> maps each field to its messages, and
    /// <c>detail</c> repeats them in one line for scripts that print only that.
    /// </summary>
    public static ValidationProblem Invalid(string title, IReadOnlyList<(string Field, string Message)> errors, string? detail = null) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            detail: detail ?? string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")),
            title: title);
}
