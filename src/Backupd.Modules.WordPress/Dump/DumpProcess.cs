using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Backupd.Modules.WordPress.Dump;

/// <summary>
/// One run of the dump program: stdout as a byte stream, the tail of stderr as text, and the
/// whole process tree killed when disposed before it exits or when cancelled.
/// </summary>
internal sealed class DumpProcess : IAsyncDisposable
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Task<string> _standardError;

    private DumpProcess(Process process)
    {
        _process = process;
        _standardError = StandardErrorTail.ReadAsync(process.StandardError);
    }

    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    /// <summary>What the program reads, for one started with its input open; close it to end the input.</summary>
    public Stream StandardInput => _process.StandardInput.BaseStream;

    /// <summary>Starts <paramref name="program"/> in <paramref name="homeDirectory"/>, which also serves as its HOME.</summary>
    public static DumpProcess Start(string program, IEnumerable<string> arguments, string homeDirectory, bool takesInput = false)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = homeDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // MySQL clients read ~/.my.cnf after --defaults-extra-file, so a [client] password there
        // (root's /root/.my.cnf on many servers) would replace the site's; MYSQL_PWD would be
        // used if no password were given. Neither may choose whom the dump connects as.
        start.Environment["HOME"] = homeDirectory;
        start.Environment.Remove("MYSQL_PWD");

        var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new DatabaseDumpException(
                DatabaseFailure.ProgramMissing,
                $"{program} could not be started: {e.Message}. Install mariadb-client (apt-get install mariadb-client), or configure the path to a working mysqldump.",
                e);
        }

        // The dump program reads no input; an empty stdin rules out any prompt.
        if (!takesInput)
        {
            process.StandardInput.Close();
        }

        return new DumpProcess(process);
    }

    public int Id => _process.Id;

    /// <summary>Waits for the exit; returns the exit code and the end of what it wrote to stderr.</summary>
    public async Task<(int ExitCode, string StandardError)> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (_process.ExitCode, await _standardError.ConfigureAwait(false));
    }

    /// <summary>Kills the program and anything it started; harmless once it has exited.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            using var timeout = new CancellationTokenSource(ExitWait);
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // SIGKILL was sent; a process stuck in the kernel is beyond our reach and must not hold up the job.
            }
        }

        try
        {
            await _standardError.ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The pipe broke as the process died; its stderr no longer matters.
        }

        _process.Dispose();
    }
}
