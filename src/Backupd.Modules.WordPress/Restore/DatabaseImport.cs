using Backupd.Modules.WordPress.Dump;
using Backupd.Modules.WordPress.Restore.DumpImport;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// Imports a bundle's dump through the mysql client into tables under a staging prefix, beside
/// the live ones: only the statements mysqldump writes (<see cref="DumpStatementFilter"/>), the
/// client in its sandbox, the password in a private option file, a relaxed SQL mode so old zero
/// dates load, key checks off while rows stream in. The live site is not touched.
/// </summary>
internal static class DatabaseImport
{
    /// <summary>Streams <paramref name="dump"/> into the database; returns what it renamed and left out.</summary>
    /// <exception cref="ModuleFailedException">The client failed; the message has its error, without the password.</exception>
    public static async Task<DumpStatementFilter> RunAsync(
        Stream dump, DatabaseConnectionSettings settings, string livePrefix, string stagingPrefix, string workDirectory, IProgress<long> progress, CancellationToken cancellationToken)
    {
        var program = DumpProgram.FindClient(Environment.GetEnvironmentVariable("PATH"));
        await using var optionFile = await ClientOptionFile.CreateAsync(workDirectory, settings.Password, cancellationToken).ConfigureAwait(false);
        var sandbox = await ClientSandbox.OptionAsync(program, optionFile.DirectoryPath, cancellationToken).ConfigureAwait(false);
        var arguments = ClientArguments(optionFile.Path, settings, sandbox);
        var filter = new DumpStatementFilter(livePrefix, stagingPrefix);
        await using var process = DumpProcess.Start(program, arguments, optionFile.DirectoryPath, takesInput: true);
        using var kill = cancellationToken.Register(process.Kill);
        var output = process.StandardOutput.CopyToAsync(Stream.Null, cancellationToken);
        var client = new ClientInput(process.StandardInput);
        var copied = false;
        try
        {
            await using (process.StandardInput)
            {
                try
                {
                    await filter.CopyAsync(dump, client, progress, cancellationToken).ConfigureAwait(false);
                    await client.FlushAsync(cancellationToken).ConfigureAwait(false);
                    copied = true;
                }
                catch (Exception failure) when (!(failure is IOException && client.Refused))
                {
                    // At the end of its input the client runs the statement it holds, and what it
                    // holds here is the start of one the dump was refused or cut off in: it is
                    // stopped before its input closes.
                    process.Kill();
                    throw;
                }
            }
        }
        catch (IOException) when (!cancellationToken.IsCancellationRequested && (client.Refused || copied))
        {
            // The client stopped reading (it failed on a statement): its exit code and error say why.
            // A failure to read the dump (a damaged bundle) is not this, and goes on up.
        }

        await output.ConfigureAwait(false);
        var (exitCode, standardError) = await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (exitCode != 0)
        {
            throw new ModuleFailedException($"Importing the database dump into {settings.Database} failed ({Path.GetFileName(program)} exited with {exitCode}): "
                + $"{DatabaseFailureMessages.Scrub(standardError.Trim(), settings.Password)} The live tables were not touched.");
        }

        return filter;
    }

    /// <summary>How the mysql client is run for an import, <paramref name="sandbox"/> being <see cref="ClientSandbox"/>'s option.</summary>
    internal static IReadOnlyList<string> ClientArguments(string optionFilePath, DatabaseConnectionSettings settings, string sandbox) =>
    [
        .. DumpArguments.ClientConnection(optionFilePath, settings),
        sandbox,
        // How the client splits its input, pinned here over anything the node's own option
        // files say (named-commands would have it obey "go" or "clear" on any line of a
        // statement; another delimiter, comments kept or binary mode would split it elsewhere
        // than the filter did).
        "--skip-named-commands",
        "--delimiter=;",
        "--skip-comments",
        "--skip-binary-mode",
        "--batch",
        "--max-allowed-packet=1G",
        // No STRICT_* and no NO_ZERO_DATE: rows of old sites carry 0000-00-00 dates.
        "--init-command=SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO', foreign_key_checks = 0, unique_checks = 0",
        $"--database={settings.Database}",
    ];

    // The client's standard input, which says whether a write to it failed.
    private sealed class ClientInput(Stream stdin) : Backupd.Bundles.IO.WriteOnlyStream
    {
        public bool Refused { get; private set; }

        public override void Write(byte[] buffer, int offset, int count) => Guard(() => stdin.Write(buffer, offset, count));

        public override void Flush() => Guard(stdin.Flush);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            GuardAsync(() => stdin.WriteAsync(buffer, cancellationToken));

        public override Task FlushAsync(CancellationToken cancellationToken) =>
            GuardAsync(() => new ValueTask(stdin.FlushAsync(cancellationToken))).AsTask();

        private void Guard(Action write)
        {
            try
            {
                write();
            }
            catch (IOException)
            {
                Refused = true;
                throw;
            }
        }

        private async ValueTask GuardAsync(Func<ValueTask> write)
        {
            try
            {
                await write().ConfigureAwait(false);
            }
            catch (IOException)
            {
                Refused = true;
                throw;
            }
        }
    }
}
