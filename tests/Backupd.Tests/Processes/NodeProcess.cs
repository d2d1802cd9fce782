namespace Backupd.Tests.Processes;

/// <summary>A real node process pointed at a master, with a data dir that outlives restarts.</summary>
/// <param name="masterUrl">The master's REST URL.</param>
/// <param name="extraEnvironment">More variables.</param>
/// <param name="dataDir">The data directory (an installed tree's); a new temporary one when null.</param>
public sealed class NodeProcess(Uri masterUrl, IReadOnlyDictionary<string, string>? extraEnvironment = null, string? dataDir = null) : IAsyncDisposable
{
    private BackupdProcess? _process;

    public string DataDir { get; } = dataDir ?? Directory.CreateTempSubdirectory("backupd-node-").FullName;

    /// <summary>An installed <c>backupd</c> that the next <see cref="Start"/> runs instead of the build's: an upgrade changes it between starts.</summary>
    public string? Executable { get; set; }

    public string IdentityFile => Path.Combine(DataDir, "node-identity.json");

    public BackupdProcess Process => _process ?? throw new InvalidOperationException("The node is not running.");

    public void Start()
    {
        var environment = new Dictionary<string, string>(extraEnvironment ?? new Dictionary<string, string>())
        {
            ["BACKUPD_MASTER_URL"] = masterUrl.ToString(),
            ["BACKUPD_DATA_DIR"] = DataDir,
        };
        _process = BackupdProcess.Start(["--mode", "node"], environment, executable: Executable);
    }

    /// <summary>Kills the node with SIGKILL, as a crash would, and lets go of the process; <see cref="Start"/> runs it again.</summary>
    public async Task KillAsync()
    {
        await Process.KillAsync();
        await Process.DisposeAsync();
        _process = null;
    }

    public async Task<int> StopAsync()
    {
        Process.Terminate();
        var exitCode = await Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return exitCode;
    }

    /// <summary>Waits for the registration line and returns the code it shows.</summary>
    public async Task<string> WaitForCodeAsync() =>
        (await Process.WaitForOutputAsync(@"^Registration code: ([2-9A-HJKMNP-Z]{5}) — approve it on the master", TimeSpan.FromSeconds(60))).Groups[1].Value;

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        Directory.Delete(DataDir, recursive: true);
    }
}
