namespace Backupd.Modules;

/// <summary>One thing wrong with a module config.</summary>
/// <param name="Field">The field's path in the config, e.g. <c>db.port</c>; empty for the config as a whole.</param>
/// <param name="Message">What is wrong and what is expected.</param>
public sealed record ConfigError(string Field, string Message)
{
    /// <summary>The error as one line: <c>db.port: must be an integer</c>.</summary>
    public override string ToString() => Field.Length == 0 ? Message : $"{Field}: {Message}";
}
