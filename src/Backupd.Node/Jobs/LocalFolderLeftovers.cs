using System.Text.Json;
using Backupd.Contracts.Storage;
using Backupd.Modules.Storage;
using Backupd.Node.Options;
using Backupd.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Node.Jobs;

/// <summary>
/// Removes the copies a crash left half-written (<c>*.tar.zst.partial-*</c>) in the local folders
/// this node has written bundles to, at start and every hour, once a day old. Only this node's own
/// part of each folder (<c>&lt;path&gt;/&lt;prefix&gt;/&lt;node&gt;/</c>): a NAS folder may be
/// shared by many nodes, each of which cleans its own.
/// </summary>
/// <remarks>
/// The node learns a folder when a job first writes to it and keeps the list in
/// <c>&lt;data dir&gt;/local-folders.json</c>, so a node that crashed in the middle of a copy
/// finds the folder again at its next start, before any job uses it. The copy itself also clears
/// stale copies in its site's folder; this catches sites no job backs up any more.
/// </remarks>
public sealed partial class LocalFolderLeftovers(IOptions<NodeOptions> options, TimeProvider time, ILogger<LocalFolderLeftovers> logger) : BackgroundService
{
    /// <summary>How often it looks.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private SortedSet<string>? _folders;

    private string ListPath => Path.Combine(options.Value.DataDir, "local-folders.json");

    /// <summary>Remembers the part of a local-folder provider this node writes to; other providers are ignored.</summary>
    public void Remember(StorageTargetSettings settings, string nodeId)
    {
        if (settings.Type != StorageTypes.Local || settings.Path is not { } root || !Path.IsPathFullyQualified(root))
        {
            return;
        }

        var folder = Path.GetFullPath(Path.Combine(root, BundleKey.WithPrefix(settings.Prefix, BundleKey.Slug(nodeId))));
        lock (_gate)
        {
            if (Folders().Add(folder))
            {
                try
                {
                    // Renamed into place: a crash while writing leaves the earlier list, not half of one.
                    File.WriteAllText(ListPath + ".tmp", JsonSerializer.Serialize(_folders));
                    File.Move(ListPath + ".tmp", ListPath, overwrite: true);
                }
                catch (IOException ex)
                {
                    // The job goes on; a crash before the list is written leaves its copy to the next copy into that folder.
                    LogListNotWritten(ListPath, ex.Message);
                }
            }
        }
    }

    /// <summary>Removes every stale copy in the folders remembered; returns how many.</summary>
    public int Sweep()
    {
        string[] folders;
        lock (_gate)
        {
            folders = [.. Folders()];
        }

        var removed = 0;
        foreach (var folder in folders)
        {
            foreach (var file in LocalFolderStorage.RemoveStalePartials(folder, time.GetUtcNow()))
            {
                LogRemoved(file);
                removed++;
            }
        }

        return removed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            do
            {
                try
                {
                    Sweep();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
                {
                    LogFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the next start looks again.
        }
    }

    private SortedSet<string> Folders()
    {
        if (_folders is null)
        {
            try
            {
                _folders = File.Exists(ListPath)
                    ? new SortedSet<string>(JsonSerializer.Deserialize<string[]>(File.ReadAllText(ListPath)) ?? [], StringComparer.Ordinal)
                    : new SortedSet<string>(StringComparer.Ordinal);
            }
            catch (JsonException ex)
            {
                // Rebuilt as jobs write again; a half-written list must not stop the node.
                LogListUnreadable(ListPath, ex.Message);
                _folders = new SortedSet<string>(StringComparer.Ordinal);
            }
        }

        return _folders;
    }

    [LoggerMessage(LogLevel.Information, "Removed {File}: a copy of a bundle a crash left half-written, untouched for a day")]
    private partial void LogRemoved(string file);

    [LoggerMessage(LogLevel.Warning, "Could not write the list of local folders to {File}: {Reason}")]
    private partial void LogListNotWritten(string file, string reason);

    [LoggerMessage(LogLevel.Warning, "The list of local folders in {File} is unreadable ({Reason}); starting a new one")]
    private partial void LogListUnreadable(string file, string reason);

    [LoggerMessage(LogLevel.Warning, "Could not look for half-written copies in local folders; trying again in an hour")]
    private partial void LogFailed(Exception exception);
}
