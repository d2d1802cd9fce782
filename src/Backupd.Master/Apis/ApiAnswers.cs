using Backupd.Master.Application;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using static Backupd.Master.Apis.ApiProblems;

namespace Backupd.Master.Apis;

/// <summary>Turns what the application layer answered into HTTP: the value with its status, or the problem with its own.</summary>
internal static class ApiAnswers
{
    /// <summary>200 with the value, or the problem.</summary>
    public static Results<Ok<T>, ValidationProblem, ProblemHttpResult> Ok<T>(Outcome<T> outcome) =>
        outcome.Succeeded ? TypedResults.Ok(outcome.Value) : Refused<Results<Ok<T>, ValidationProblem, ProblemHttpResult>>(outcome.Problem, v => v, p => p);

    /// <summary>200 with what <paramref name="body"/> makes of the value, or the problem.</summary>
    public static Results<Ok<TBody>, ValidationProblem, ProblemHttpResult> Ok<T, TBody>(Outcome<T> outcome, Func<T, TBody> body) =>
        outcome.Succeeded ? TypedResults.Ok(body(outcome.Value)) : Refused<Results<Ok<TBody>, ValidationProblem, ProblemHttpResult>>(outcome.Problem, v => v, p => p);

    /// <summary>201 with the value at <paramref name="location"/>, or the problem.</summary>
    public static Results<Created<TBody>, ValidationProblem, ProblemHttpResult> Created<T, TBody>(Outcome<T> outcome, Func<T, string> location, Func<T, TBody> body) =>
        outcome.Succeeded
            ? TypedResults.Created(location(outcome.Value), body(outcome.Value))
            : Refused<Results<Created<TBody>, ValidationProblem, ProblemHttpResult>>(outcome.Problem, v => v, p => p);

    /// <summary>204, or the problem.</summary>
    public static Results<NoContent, ValidationProblem, ProblemHttpResult> NoContent(Outcome<Done> outcome) =>
        outcome.Succeeded ? TypedResults.NoContent() : Refused<Results<NoContent, ValidationProblem, ProblemHttpResult>>(outcome.Problem, v => v, p => p);

    // The typed unions of ASP.NET Core convert from each member, not from a smaller union: the
    // caller says how each kind of answer becomes its own union.
    private static TResult Refused<TResult>(Problem problem, Func<ValidationProblem, TResult> invalid, Func<ProblemHttpResult, TResult> other) => problem.Kind switch
    {
        ProblemKind.Invalid => invalid(Invalid(problem.Title, [.. problem.Errors.Select(e => (e.Field, e.Message))], problem.Detail)),
        ProblemKind.NotFound => other(Problem(StatusCodes.Status404NotFound, problem.Title, problem.Detail)),
        ProblemKind.Conflict => other(Problem(StatusCodes.Status409Conflict, problem.Title, problem.Detail)),
        _ => other(Problem(StatusCodes.Status422UnprocessableEntity, problem.Title, problem.Detail)),
    };
}
