using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backupd.Hosting;

/// <summary>
/// At start, before anything reads them: the data dir is the owner's alone (0700) and so are the
/// files that hold state (0600). Looser modes, from an older backupd, a restore or a hand-made
/// directory, are tightened, with a warning naming each.
/// </summary>
public sealed partial class DataDirPermissions(string dataDir, IReadOnlyList<string> privateFiles, ILogger<DataDirPermissions> logger) : IHostedLifecycleService
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Tightens <paramref name="dataDir"/> and the <paramref name="privateFiles"/> in it (names; missing ones are skipped) at every start.</summary>
    public static IServiceCollection Add(IServiceCollection services, string dataDir, params string[] privateFiles) =>
        services.AddHostedService(provider => new DataDirPermissions(dataDir, privateFiles, provider.GetRequiredService<ILogger<DataDirPermissions>>()));

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        Tighten(dataDir, DirectoryMode);
        foreach (var name in privateFiles)
        {
            var path = Path.Combine(dataDir, name);
            if (File.Exists(path))
            {
                Tighten(path, FileMode);
            }
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Tighten(string path, UnixFileMode wanted)
    {
        var mode = File.GetUnixFileMode(path);
        if ((mode & ~wanted) != 0)
        {
            File.SetUnixFileMode(path, mode & wanted);
            LogTightened(path, Octal(mode), Octal(mode & wanted));
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');

    [LoggerMessage(LogLevel.Warning, "{Path} was readable by others (mode {Was}); set it to {Now}: backupd's data is its owner's alone")]
    private partial void LogTightened(string path, string was, string now);
}
