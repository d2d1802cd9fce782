using System.Diagnostics;
using System.Globalization;

namespace Backupd.TestBed;

/// <summary>
/// A long-running child process such as a database server: its output goes to a bounded
/// <see cref="OutputTail"/>, readiness is polled, and disposing kills it with everything it started.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly Process _process;
    private readonly OutputTail _output;
    private bool _disposed;

    private ServerProcess(string name, Process process, OutputTail output)
    {
        Name = name;
        _process = process;
        _output = output;
    }

    /// <summary>The name used in messages, such as <c>mariadbd</c>.</summary>
    public string Name { get; }

    /// <summary>The operating system's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has ended; always so once this is disposed.</summary>
    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>The last lines it wrote to stdout and stderr, interleaved.</summary>
    public string Output => _output.ToString();

    /// <summary>Starts <paramref name="fileName"/>; it runs until this is disposed.</summary>
    public static ServerProcess Start(string name, string fileName, IEnumerable<string> arguments, ProcessOptions? options = null)
    {
        options ??= new ProcessOptions();
        var output = new OutputTail(options.OutputLines);
        var process = ChildProcess.Start(fileName, arguments, options, output.Append, output.Append);
        return new ServerProcess(name, process, output);
    }

    /// <summary>
    /// Calls <paramref name="probe"/> until it returns <see langword="true"/>. An exception from
    /// the probe counts as "not yet". Fails with the output's tail when the process exits or
    /// <paramref name="timeout"/> passes first.
    /// </summary>
    /// <exception cref="ServerStartException">The server exited or did not become ready in time.</exception>
    public async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var exited = _process.WaitForExitAsync(deadline.Token);
        Exception? lastProbeError = null;
        while (true)
        {
            if (_process.HasExited)
            {
                // Let the output readers drain so the tail has the server's last words.
                await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                throw new ServerStartException(Name, string.Create(CultureInfo.InvariantCulture, $"it exited with code {_process.ExitCode}"), Output, lastProbeError);
            }

            try
            {
                if (await probe(deadline.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception e) when (!deadline.IsCancellationRequested)
            {
                lastProbeError = e;
            }
            catch (Exception) when (deadline.IsCancellationRequested)
            {
                // Out of time; reported below.
            }

            if (deadline.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var reason = string.Create(CultureInfo.InvariantCulture, $"not ready within {timeout.TotalSeconds} s");
                if (lastProbeError is not null)
                {
                    reason += $" (last check: {lastProbeError.Message})";
                }

                throw new ServerStartException(Name, reason, Output, lastProbeError);
            }

            await Task.WhenAny(Task.Delay(PollInterval, deadline.Token), exited).ConfigureAwait(false);
        }
    }

    /// <summary>Kills the process and everything it started, and waits until they are gone.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await ChildProcess.KillTreeAsync(_process).ConfigureAwait(false);
        _process.Dispose();
    }
}
