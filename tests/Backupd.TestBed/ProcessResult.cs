namespace Backupd.TestBed;

/// <summary>How a command ended, with the tails of what it wrote.</summary>
public sealed record ProcessResult(string Program, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Throws a <see cref="TestBedException"/> with the output when the command failed.</summary>
    /// <param name="purpose">What the command was for, for the message: "initialising the MariaDB data directory".</param>
    public ProcessResult EnsureSuccess(string purpose)
    {
        if (ExitCode != 0)
        {
            throw new TestBedException($"{Program} failed with exit code {ExitCode} while {purpose}.\nstderr:\n{StandardError}\nstdout:\n{StandardOutput}");
        }

        return this;
    }
}
