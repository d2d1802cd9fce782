using System.Diagnostics.CodeAnalysis;

namespace Backupd.Master.Application;

/// <summary>What an operation of the application layer came to: its value, or the problem that stopped it.</summary>
public readonly struct Outcome<T>
{
    private Outcome(T? value, Problem? problem)
    {
        Value = value;
        Problem = problem;
    }

    /// <summary>The value, when the operation succeeded.</summary>
    public T? Value { get; }

    /// <summary>Why the operation was refused, when it was.</summary>
    public Problem? Problem { get; }

    /// <summary>Whether the operation succeeded.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Problem is null;

    /// <summary>A success.</summary>
    public static implicit operator Outcome<T>(T value) => new(value, null);

    /// <summary>A refusal.</summary>
    public static implicit operator Outcome<T>(Problem problem) => new(default, problem);
}

/// <summary>An operation that succeeds with no value to give back (a delete).</summary>
public readonly record struct Done
{
    /// <summary>The one value.</summary>
    public static readonly Done Value;
}
