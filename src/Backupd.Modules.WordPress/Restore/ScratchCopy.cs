namespace Backupd.Modules.WordPress.Restore;

/// <summary>WordPress's own files of a site, copied for a test-restore's scratch copy: everything in its root but its content, its config and anything hidden.</summary>
internal static class ScratchCopy
{
    /// <summary>Copies <paramref name="siteRoot"/>'s WordPress files into <paramref name="scratch"/>; returns how many files.</summary>
    public static int CopyWordPress(string siteRoot, string scratch)
    {
        if (!File.Exists(Path.Combine(siteRoot, "wp-load.php")))
        {
            throw new ModuleFailedException($"{siteRoot} does not hold WordPress (no wp-load.php) to make a scratch copy with.");
        }

        var count = 0;
        foreach (var entry in new DirectoryInfo(siteRoot).EnumerateFileSystemInfos())
        {
            if (entry.Name is "wp-content" or "wp-config.php" || entry.Name.StartsWith('.') || entry.Name.StartsWith("wp-content.pre-restore-", StringComparison.Ordinal))
            {
                continue;
            }

            count += Copy(entry, Path.Combine(scratch, entry.Name));
        }

        return count;
    }

    private static int Copy(FileSystemInfo entry, string destination)
    {
        if (entry.LinkTarget is { } target)
        {
            File.CreateSymbolicLink(destination, target);
            return 1;
        }

        if (entry is FileInfo file)
        {
            file.CopyTo(destination);
            return 1;
        }

        Directory.CreateDirectory(destination);
        return ((DirectoryInfo)entry).EnumerateFileSystemInfos().Sum(child => Copy(child, Path.Combine(destination, child.Name)));
    }
}
