using Backupd.Bundles;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// A wp-content tree as a backup's exclude patterns see it: what the swap carries from the
/// replaced tree into the restored one and what the check leaves out of its count are the same
/// entries, because both walk it here.
/// </summary>
internal static class ExcludedPaths
{
    /// <summary>
    /// Every entry under <paramref name="directory"/> with its path under wp-content (after
    /// <paramref name="relative"/>) and whether the patterns exclude it; neither what they exclude
    /// nor a link is walked into.
    /// </summary>
    public static IEnumerable<(FileSystemInfo Entry, string Path, bool Excluded)> Walk(string directory, string relative, BundleExcludeFilter? filter)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            var path = relative.Length == 0 ? entry.Name : $"{relative}/{entry.Name}";
            var isDirectory = entry is DirectoryInfo && entry.LinkTarget is null;
            var excluded = filter?.Excludes(path, isDirectory) == true;
            yield return (entry, path, excluded);
            if (isDirectory && !excluded)
            {
                foreach (var inner in Walk(entry.FullName, path, filter))
                {
                    yield return inner;
                }
            }
        }
    }
}
