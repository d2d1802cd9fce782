using Backupd.TestBed;

namespace Backupd.Tests.Bundles;

/// <summary>The real <c>zstd</c> and GNU <c>tar</c>, the tools anyone restoring by hand would use.</summary>
internal static class SystemTar
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary><c>zstd -d &lt; bundle | tar -x -p -C destination</c>.</summary>
    public static async Task ExtractAsync(string bundle, string destination)
    {
        Directory.CreateDirectory(destination);
        var result = await RunPipelineAsync("zstd -d -q -c -- \"$1\" | tar -x -p -f - -C \"$2\"", bundle, destination);
        result.EnsureSuccess("extracting a bundle with zstd -d | tar -x");
    }

    /// <summary><c>zstd -d &lt; bundle | tar -tv</c>: one line per entry, sizes in bytes.</summary>
    public static async Task<string> ListAsync(string bundle)
    {
        var result = await RunPipelineAsync("zstd -d -q -c -- \"$1\" | tar -tv -f -", bundle);
        return result.EnsureSuccess("listing a bundle with zstd -d | tar -tv").StandardOutput;
    }

    private static async Task<ProcessResult> RunPipelineAsync(string script, params string[] arguments)
    {
        RequiredProgram.Find("zstd", "apt-get install zstd");
        RequiredProgram.Find("tar", "apt-get install tar");
        return await ProcessRunner.RunAsync(
            "/bin/bash", ["-c", "set -o pipefail; " + script, "bash", .. arguments], Timeout, new ProcessOptions { OutputLines = 100_000 });
    }
}
