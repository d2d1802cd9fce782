using System.Globalization;
using System.Text;

namespace Backupd.Tests.Modules.WordPress;

/// <summary>What anyone on the machine who may read /proc/&lt;pid&gt; sees of a running process.</summary>
internal sealed record ProcessSnapshot(int ProcessId, IReadOnlyList<string> CommandLine, IReadOnlyList<string> Environment)
{
    /// <summary>Reads the process's command line and environment; null once it is gone.</summary>
    public static ProcessSnapshot? TryRead(int processId)
    {
        var directory = string.Create(CultureInfo.InvariantCulture, $"/proc/{processId}");
        try
        {
            var commandLine = Split(File.ReadAllBytes(Path.Combine(directory, "cmdline")));
            var environment = Split(File.ReadAllBytes(Path.Combine(directory, "environ")));

            // An exited process that has not been reaped yet shows an empty command line.
            return commandLine.Count == 0 ? null : new ProcessSnapshot(processId, commandLine, environment);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return null;
        }
    }

    public bool Mentions(string text) =>
        CommandLine.Concat(Environment).Any(entry => entry.Contains(text, StringComparison.Ordinal));

    private static List<string> Split(byte[] nulSeparated) =>
        [.. Encoding.UTF8.GetString(nulSeparated).Split('\0', StringSplitOptions.RemoveEmptyEntries)];
}
