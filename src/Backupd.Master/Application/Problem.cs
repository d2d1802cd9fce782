namespace Backupd.Master.Application;

/// <summary>What kind of refusal a <see cref="Problem"/> is; the API turns each into its status code.</summary>
public enum ProblemKind
{
    /// <summary>Fields at fault (400): <see cref="Problem.Errors"/> names each.</summary>
    Invalid,

    /// <summary>No such entity (404).</summary>
    NotFound,

    /// <summary>The entity's state forbids it now (409).</summary>
    Conflict,

    /// <summary>Understood, but not something the master can do for this entity (422).</summary>
    Unprocessable,
}

/// <summary>One field at fault and how to put it right.</summary>
public readonly record struct FieldError(string Field, string Message);

/// <summary>
/// Why an operation of the application layer was refused, in the words the API and the
/// dashboard both show: a short title and a detail that says how to fix it.
/// </summary>
public sealed record Problem(ProblemKind Kind, string Title, string Detail, IReadOnlyList<FieldError> Errors)
{
    /// <summary>Fields at fault; the detail repeats them in one line.</summary>
    public static Problem Invalid(string title, IReadOnlyList<FieldError> errors) =>
        new(ProblemKind.Invalid, title, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")), errors);

    /// <summary>One field at fault; <paramref name="detail"/> when the one line should read otherwise.</summary>
    public static Problem Invalid(string title, string field, string message, string? detail = null) =>
        detail is null ? Invalid(title, [new FieldError(field, message)]) : new(ProblemKind.Invalid, title, detail, [new FieldError(field, message)]);

    /// <summary>No such entity.</summary>
    public static Problem NotFound(string title, string detail) => new(ProblemKind.NotFound, title, detail, []);

    /// <summary>Refused in the entity's present state.</summary>
    public static Problem Conflict(string title, string detail) => new(ProblemKind.Conflict, title, detail, []);

    /// <summary>Not something the master can do here.</summary>
    public static Problem Unprocessable(string title, string detail) => new(ProblemKind.Unprocessable, title, detail, []);
}
