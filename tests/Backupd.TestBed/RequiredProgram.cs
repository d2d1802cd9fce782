namespace Backupd.TestBed;

/// <summary>Finds the programs the fixtures run, or fails with a message saying how to install them.</summary>
public static class RequiredProgram
{
    /// <summary>What to tell someone who lacks any of the test programs.</summary>
    public const string InstallEverything = "./ops/test.sh installs everything the tests need (ops/install-test-deps.sh only installs)";

    /// <summary>
    /// The full path of <paramref name="program"/>: the first executable found on <c>PATH</c>,
    /// then in <paramref name="extraDirectories"/>.
    /// </summary>
    /// <param name="program">The file name, such as <c>mariadbd</c>.</param>
    /// <param name="installHint">How to install it, such as <c>apt-get install mariadb-server</c>.</param>
    /// <param name="extraDirectories">Where else it lives; <c>/usr/sbin</c> is not on every user's <c>PATH</c>.</param>
    /// <exception cref="MissingProgramException">It is nowhere to be found.</exception>
    public static string Find(string program, string installHint, params IEnumerable<string> extraDirectories) =>
        TryFind(program, extraDirectories)
        ?? throw new MissingProgramException(
            program,
            $"'{program}' is not installed: it is neither on PATH nor in {string.Join(", ", extraDirectories.DefaultIfEmpty("any other known place"))}. "
            + $"Install it with `{installHint}`; {InstallEverything}.");

    /// <summary>Like <see cref="Find"/>, but <see langword="null"/> when the program is missing.</summary>
    public static string? TryFind(string program, params IEnumerable<string> extraDirectories)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(extraDirectories)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(IsExecutableFile);
    }

    private static bool IsExecutableFile(string path) =>
        File.Exists(path)
        && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
