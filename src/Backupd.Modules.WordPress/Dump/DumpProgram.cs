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

        var directories = (searchPath ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var program in (string[])["mysqldump", "mariadb-dump"])
        {
            var found = directories.Select(directory => Path.Combine(directory, program)).FirstOrDefault(IsExecutableFile);
            if (found is not null)
            {
                return found;
            }
        }

        throw new DatabaseDumpException(
            DatabaseFailure.ProgramMissing,
            $"mysqldump was not found on PATH (nor mariadb-dump); {InstallHint} on this node, or configure the path to the dump program.");
    }

    /// <summary>The mysql command-line client on <paramref name="searchPath"/> (mysql, else mariadb), which restores import through.</summary>
    /// <exception cref="DatabaseDumpException">There is none.</exception>
    public static string FindClient(string? searchPath)
    {
        var directories = (searchPath ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return ((string[])["mysql", "mariadb"])
            .SelectMany(program => directories.Select(directory => Path.Combine(directory, program)))
            .FirstOrDefault(IsExecutableFile)
            ?? throw new DatabaseDumpException(DatabaseFailure.ProgramMissing, $"The mysql client was not found on PATH (nor mariadb); {InstallHint} on this node.");
    }

    private static bool IsExecutableFile(string path) =>
        File.Exists(path)
        && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
