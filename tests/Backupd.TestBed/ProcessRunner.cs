using System.Globalization;

namespace Backupd.TestBed;

/// <summary>Runs a command to completion with a timeout, keeping the tails of its output.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="fileName"/> and returns how it ended; kills it and everything it
    /// started when <paramref name="timeout"/> passes or <paramref name="cancellationToken"/> fires.
    /// </summary>
    /// <exception cref="TimeoutException">The command ran longer than <paramref name="timeout"/>.</exception>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        ProcessOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new ProcessOptions();
        var standardOutput = new OutputTail(options.OutputLines);
        var standardError = new OutputTail(options.OutputLines);
        using var process = ChildProcess.Start(fileName, arguments, options, standardOutput.Append, standardError.Append);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await ChildProcess.KillTreeAsync(process).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(string.Create(
                CultureInfo.InvariantCulture,
                $"{Path.GetFileName(fileName)} did not finish within {timeout.TotalSeconds} s.\nstderr:\n{standardError}\nstdout:\n{standardOutput}"));
        }

        return new ProcessResult(Path.GetFileName(fileName), process.ExitCode, standardOutput.ToString(), standardError.ToString());
    }
}
