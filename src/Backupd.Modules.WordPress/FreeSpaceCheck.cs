using System.Globalization;

namespace Backupd.Modules.WordPress;

/// <summary>Fails a backup before it starts when the node's work dir cannot hold it.</summary>
internal static class FreeSpaceCheck
{
    // Headroom for the manifest, the file system's own overhead and whatever else writes there meanwhile.
    private const long Margin = 64L << 20;

    /// <summary>
    /// The dump is removed once it is in the bundle, so the most the work dir holds is about
    /// the dump plus wp-content (the bundle, before compression helps). The tables' size on
    /// the server stands in for the dump's.
    /// </summary>
    public static async Task EnsureAsync(StageContext context, string contentPath, DatabaseConnectionSettings database)
    {
        var databaseBytes = await WordPressSiteInfoReader.ReadDatabaseBytesAsync(database, context.CancellationToken);
        var contentBytes = SizeOf(contentPath);
        var free = new DriveInfo(context.WorkDirectory).AvailableFreeSpace;
        if (Shortfall(context.WorkDirectory, free, databaseBytes, contentBytes) is { } problem)
        {
            throw new ModuleFailedException(problem);
        }

        context.Reporter.Info($"Free space: {Format(free)} in the work dir; the backup needs up to {Format(databaseBytes + contentBytes + Margin)}");
    }

    /// <summary>What is wrong when <paramref name="free"/> bytes cannot hold the backup; null when they can.</summary>
    internal static string? Shortfall(string workDirectory, long free, long databaseBytes, long contentBytes)
    {
        var needed = databaseBytes + contentBytes + Margin;
        return free >= needed ? null :
            $"Not enough free space in {workDirectory}: {Format(free)} free, this backup needs up to {Format(needed)} " +
            $"(database about {Format(databaseBytes)}, wp-content {Format(contentBytes)}). Free some space, or set BACKUPD_DATA_DIR to a larger disk.";
    }

    private static long SizeOf(string root)
    {
        if (!Directory.Exists(root))
        {
            return 0;
        }

        // Symlinks are stored as links, not followed, so they add nothing.
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        return new DirectoryInfo(root).EnumerateFiles("*", options).Sum(file => file.Length);
    }

    internal static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
    };
}
