namespace Backupd.TestBed;

/// <summary>How to start a child process: where, with which environment, and how much output to keep.</summary>
public sealed record ProcessOptions
{
    /// <summary>The working directory; the test host's when <see langword="null"/>.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables to set on top of the test host's environment; a <see langword="null"/> value removes one.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>How many of the last output lines to keep, per stream for commands and in all for servers.</summary>
    public int OutputLines { get; init; } = 200;
}
