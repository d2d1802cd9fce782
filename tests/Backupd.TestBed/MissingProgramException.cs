namespace Backupd.TestBed;

/// <summary>A program a fixture runs is not installed; the message says how to install it.</summary>
public sealed class MissingProgramException : TestBedException
{
    public MissingProgramException(string program, string message)
        : base(message)
    {
        Program = program;
    }

    /// <summary>The program's file name, such as <c>mariadbd</c>.</summary>
    public string Program { get; }
}
