using Backupd.Modules.WordPress.Dump;

namespace Backupd.Modules.WordPress;

/// <summary>
/// Dumps one database to SQL with mysqldump (or mariadb-dump), streaming it into a caller's
/// stream while hashing it. The password reaches mysqldump only through a 0600 option file in
/// the work directory, never its command line or environment.
/// </summary>
/// <remarks>
/// Tables, views and triggers are always dumped. Stored routines and events are dumped when the
/// user may read them: a quick trial run first finds out, and what is left out is reported in
/// <see cref="DatabaseDumpResult.Warnings"/> rather than failing the backup, because a WordPress
/// database user often lacks EVENT or SELECT on mysql.proc, and WordPress itself uses neither.
/// </remarks>
public sealed class DatabaseDumper
{
    private readonly string _workDirectory;
    private readonly string? _programPath;
    private readonly string? _searchPath;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a dumper that finds mysqldump on PATH unless <paramref name="programPath"/> is given.</summary>
    /// <param name="workDirectory">
    /// A private directory (the job's) for the short-lived option file, in a subdirectory of its
    /// own that is removed after each dump; created if missing.
    /// </param>
    /// <param name="programPath">The dump program to run instead of searching PATH for mysqldump, then mariadb-dump.</param>
    /// <param name="timeProvider">Measures <see cref="DatabaseDumpResult.Elapsed"/>; the system clock when null.</param>
    public DatabaseDumper(string workDirectory, string? programPath = null, TimeProvider? timeProvider = null)
        : this(workDirectory, programPath, Environment.GetEnvironmentVariable("PATH"), timeProvider)
    {
    }

    internal DatabaseDumper(string workDirectory, string? programPath, string? searchPath, TimeProvider? timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(workDirectory);
        _workDirectory = Path.GetFullPath(workDirectory);
        _programPath = programPath;
        _searchPath = searchPath;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Called with the id of every dump program process as soon as it has started; lets tests look at it while it runs.</summary>
    internal Action<int>? ProcessStarted { get; init; }

    /// <summary>Dumps <see cref="DatabaseConnectionSettings.Database"/> as SQL into <paramref name="output"/>.</summary>
    /// <returns>How much was written, and what was left out.</returns>
    /// <exception cref="DatabaseDumpException">
    /// The dump program is missing, the server refused or could not be reached, or the dump failed;
    /// anything already written to <paramref name="output"/> is incomplete.
    /// </exception>
    /// <exception cref="OperationCanceledException">Cancelled; the dump program has been killed.</exception>
    public async Task<DatabaseDumpResult> DumpAsync(DatabaseConnectionSettings settings, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrEmpty(settings.Database);
        ArgumentException.ThrowIfNullOrEmpty(settings.User);
        cancellationToken.ThrowIfCancellationRequested();

        var started = _timeProvider.GetTimestamp();
        var program = DumpProgram.Find(_programPath, _searchPath);
        Directory.CreateDirectory(_workDirectory);
        await using var optionFile = await ClientOptionFile.CreateAsync(_workDirectory, settings.Password, cancellationToken).ConfigureAwait(false);
        var arguments = new DumpArguments(optionFile.Path, settings);
        var warnings = new List<string>();

        var parts = await FindDumpablePartsAsync(program, arguments, optionFile, settings, warnings, cancellationToken).ConfigureAwait(false);
        var bytes = await DumpIntoAsync(program, arguments.ForDump(parts), optionFile, settings, output, warnings, cancellationToken).ConfigureAwait(false);
        return new DatabaseDumpResult(bytes, _timeProvider.GetElapsedTime(started), warnings);
    }

    /// <summary>
    /// Tries routines and events in a dump without tables and drops each one the user may not
    /// read. Connection and login errors surface here, before anything is written to the output.
    /// </summary>
    private async Task<DumpParts> FindDumpablePartsAsync(
        string program,
        DumpArguments arguments,
        ClientOptionFile optionFile,
        DatabaseConnectionSettings settings,
        List<string> warnings,
        CancellationToken cancellationToken)
    {
        var parts = DumpParts.Routines | DumpParts.Events;
        while (true)
        {
            var (exitCode, standardError) = await RunProbeAsync(program, arguments.ForProbe(parts), optionFile, cancellationToken).ConfigureAwait(false);
            if (exitCode == 0)
            {
                return parts;
            }

            var denied = DumpErrors.DeniedPart(standardError, parts);
            if (denied == DumpParts.None)
            {
                throw DumpErrors.ToException(program, exitCode, standardError, settings);
            }

            parts &= ~denied;
            warnings.Add(LeftOut(denied, settings));
        }
    }

    private async Task<(int ExitCode, string StandardError)> RunProbeAsync(
        string program, IReadOnlyList<string> arguments, ClientOptionFile optionFile, CancellationToken cancellationToken)
    {
        await using var process = DumpProcess.Start(program, arguments, optionFile.DirectoryPath);
        ProcessStarted?.Invoke(process.Id);
        using var kill = cancellationToken.Register(process.Kill);
        await process.StandardOutput.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        var result = await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return result;
    }

    private async Task<long> DumpIntoAsync(
        string program,
        IReadOnlyList<string> arguments,
        ClientOptionFile optionFile,
        DatabaseConnectionSettings settings,
        Stream output,
        List<string> warnings,
        CancellationToken cancellationToken)
    {
        await using var process = DumpProcess.Start(program, arguments, optionFile.DirectoryPath);
        ProcessStarted?.Invoke(process.Id);
        using var kill = cancellationToken.Register(process.Kill);
        // mysqldump reads its option files before it connects, let alone writes.
        var bytes = await DumpOutputRelay.CopyAsync(process.StandardOutput, output, optionFile.Delete, cancellationToken).ConfigureAwait(false);

        var (exitCode, standardError) = await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (exitCode != 0)
        {
            throw DumpErrors.ToException(program, exitCode, standardError, settings);
        }

        warnings.AddRange(standardError
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => DatabaseFailureMessages.Scrub(line, settings.Password)));
        return bytes;
    }

    private static string LeftOut(DumpParts part, DatabaseConnectionSettings settings) => part switch
    {
        DumpParts.Events =>
            $"Scheduled events were left out of the dump: user '{settings.User}' lacks the EVENT privilege on database '{settings.Database}'. "
            + "WordPress itself uses no events; grant EVENT if a plugin created some.",
        _ =>
            $"Stored procedures and functions were left out of the dump: user '{settings.User}' may not read the definitions of some in database '{settings.Database}', "
            + "which takes being their definer or SELECT on mysql.proc (SHOW CREATE ROUTINE from MariaDB 11.3). WordPress itself uses none; grant it if a plugin created some.",
    };
}
