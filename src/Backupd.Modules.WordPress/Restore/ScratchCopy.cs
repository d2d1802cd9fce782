using Backupd.Bundles;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// WordPress's own files of a site, copied for a test-restore's scratch copy: everything in its
/// root but its content, its config and anything hidden.
/// </summary>
/// <remarks>
/// The copy is the node's (root's), in a directory the site's owner can enter, so it must hold
/// nothing the owner could not read before: it goes through held directories and opens each file
/// without following a link, so a file or directory swapped for a link mid-copy fails the copy
/// rather than copying what the link names (say, a 0644 file inside root's 0700 home), and it
/// keeps the permission bits alone (a set-user-ID bit on a root-owned copy would be a way to root).
/// </remarks>
internal static class ScratchCopy
{
    private const UnixFileMode PermissionBits = (UnixFileMode)0x1FF;

    /// <summary>
    /// Copies the WordPress files of <paramref name="site"/> into <paramref name="scratch"/>, each file given
    /// to <paramref name="owner"/> when one is given (PHP runs as the site's owner and must read them; the
    /// directories stay the node's); returns how many files.
    /// </summary>
    /// <exception cref="IOException">A file changed into something else (a link, a FIFO) while it was copied.</exception>
    public static int CopyWordPress(HeldDirectory site, string scratch, FileOwner? owner)
    {
        if (!File.Exists(Path.Join(site.Path, "wp-load.php")))
        {
            throw new ModuleFailedException($"{site.Shown} does not hold WordPress (no wp-load.php) to make a scratch copy with.");
        }

        var count = 0;
        foreach (var entry in new DirectoryInfo(site.Path).EnumerateFileSystemInfos())
        {
            if (entry.Name is "wp-content" or "wp-config.php" || entry.Name.StartsWith('.') || entry.Name.StartsWith("wp-content.pre-restore-", StringComparison.Ordinal))
            {
                continue;
            }

            count += Copy(site, entry, Path.Join(scratch, entry.Name), owner);
        }

        return count;
    }

    private static int Copy(HeldDirectory parent, FileSystemInfo entry, string destination, FileOwner? owner)
    {
        if (entry.LinkTarget is { } target)
        {
            File.CreateSymbolicLink(destination, target);
            return 1;
        }

        if (entry is FileInfo)
        {
            using var source = parent.OpenFile(entry.Name);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = File.GetUnixFileMode(source) & PermissionBits };
            var time = File.GetLastWriteTimeUtc(source);
            using (var input = new FileStream(source, FileAccess.Read, bufferSize: 0))
            using (var output = new FileStream(destination, options))
            {
                if (owner is { } given)
                {
                    FileOwnership.Change(output.SafeFileHandle, destination, given);
                }

                input.CopyTo(output);
                output.Flush();
                File.SetLastWriteTimeUtc(output.SafeFileHandle, time);
            }

            return 1;
        }

        using var directory = parent.OpenBeneath(entry.Name);
        Directory.CreateDirectory(destination);
        return new DirectoryInfo(directory.Path).EnumerateFileSystemInfos().Sum(child => Copy(directory, child, Path.Join(destination, child.Name), owner));
    }
}
