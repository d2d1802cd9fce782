using System.Diagnostics;
using System.Text;

namespace Backupd.Tests.Processes;

/// <summary>
/// A real <c>backupd</c> process started from the test's output folder with a controlled
/// environment: no <c>BACKUPD_*</c> variable leaks in from the machine running the tests.
/// </summary>
public sealed class BackupdProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();

    private BackupdProcess(Process process) => _process = process;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>backupd</c> with <paramref name="args"/> and exactly the given <c>BACKUPD_*</c> variables.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="environment">The <c>BACKUPD_*</c> variables (and any other to set).</param>
    /// <param name="launcher">A command that runs <c>backupd</c> for us, such as <c>setpriv</c> to drop root.</param>
    /// <param name="executable">An installed, self-contained <c>backupd</c> to run instead of the build's, started from <c>/</c> as systemd starts it.</param>
    public static BackupdProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string>? launcher = null, string? executable = null)
    {
        var program = executable ?? Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = executable is null ? AppContext.BaseDirectory : "/",
        };
        if (launcher is { Count: > 0 })
        {
            foreach (var part in launcher.Skip(1).Append(program))
            {
                start.ArgumentList.Add(part);
            }
        }

        if (executable is null)
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "backupd.dll"));
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("BACKUPD_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var wrapper = new BackupdProcess(process);
        process.OutputDataReceived += (_, e) => wrapper.Append(e.Data);
        process.ErrorDataReceived += (_, e) => wrapper.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    /// <summary>Runs <c>backupd</c> to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null, IReadOnlyList<string>? launcher = null)
    {
        await using var process = Start(args, environment, launcher);
        var exitCode = await process.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return (exitCode, process.Output);
    }

    /// <summary>Waits for the process to end; fails the test if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"backupd did not exit within {timeout}. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Waits until a line of output matches <paramref name="pattern"/> and returns the match.</summary>
    public async Task<System.Text.RegularExpressions.Match> WaitForOutputAsync(string pattern, TimeSpan timeout, int startAt = 0)
    {
        var regex = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.Multiline);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var output = Output;
            var match = regex.Match(output, Math.Min(startAt, output.Length));
            if (match.Success)
            {
                return match;
            }

            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new TimeoutException($"No output matched /{pattern}/ within {timeout} (exited: {_process.HasExited}). Output:\n{output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Sends SIGKILL: the process ends at once, as in a crash or an OOM kill, with no chance to clean up.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Sends SIGTERM, as systemd does on stop.</summary>
    public void Terminate()
    {
        if (_process.HasExited)
        {
            return;
        }

        // .NET can only SIGKILL a process; kill(1) is the plain way to send SIGTERM.
        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.AppendLine(line);
        }
    }
}
