namespace Backupd.Modules.WordPress.Dump;

/// <summary>Finds the dump tool: an explicit path, else mysqldump, else mariadb-dump on PATH.</summary>
internal static class DumpProgram
{
    private const string InstallHint = "install mariadb-client (apt-get install mariadb-client)";

    /// <summary>The full path of the program to run.</summary>
    /// <param name="explicitPath">A path the operator configured; used as it is, never searched for.</param>
    /// <param name="searchPath">The directories to search, as in PATH.</param>
    /// <exception cref="DatabaseDumpException">There is no such program.</exception>
    public static string Find(string? explicitPath, string? searchPath)
    {
        if (explicitPath is not null)
        {
            return IsExecutableFile(explicitPath)
                ? explicitPath
                : throw new DatabaseDumpException(
                    DatabaseFailure.ProgramMissing,
                    $"The dump program {explicitPath} does not exist or is not executable; correct the configured path, or {InstallHint} and leave the path unset to use mysqldump from PATH.");
        }

        return FindOnPath(searchPath, "mysqldump", "mariadb-dump") ?? throw new DatabaseDumpException(
            DatabaseFailure.ProgramMissing,
            $"mysqldump was not found on PATH (nor mariadb-dump); {InstallHint} on this node, or configure the path to the dump program.");
    }

    /// <summary>The mysql command-line client on <paramref name="searchPath"/> (mysql, else mariadb), which restores import through.</summary>
    /// <exception cref="DatabaseDumpException">There is none.</exception>
    public static string FindClient(string? searchPath) =>
        FindOnPath(searchPath, "mysql", "mariadb")
        ?? throw new DatabaseDumpException(DatabaseFailure.ProgramMissing, $"The mysql client was not found on PATH (nor mariadb); {InstallHint} on this node.");

    /// <summary>The first of <paramref name="programs"/>, in that order, that is an executable file in one of the directories of <paramref name="searchPath"/>; null when none is.</summary>
    public static string? FindOnPath(string? searchPath, params string[] programs)
    {
        var directories = (searchPath ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return programs.SelectMany(program => directories.Select(directory => Path.Combine(directory, program))).FirstOrDefault(IsExecutableFile);
    }

    private static bool IsExecutableFile(string path) =>
        File.Exists(path)
        && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
