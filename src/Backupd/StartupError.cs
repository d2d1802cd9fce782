namespace Backupd;

/// <summary>A problem found before the mode starts: said once on stderr, then the process exits with <see cref="ExitCode"/>.</summary>
internal sealed class StartupError(string message, int exitCode) : Exception(message)
{
    /// <summary>Exit code for a missing or unknown mode or an unreadable config file.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Exit code for settings that fail validation (sysexits' EX_CONFIG).</summary>
    public const int ConfigurationExitCode = 78;

    /// <summary>Exit code for an environment that keeps the mode from starting (busy port, unusable database).</summary>
    public const int FailureExitCode = 1;

    /// <summary>The process's exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
