using System.Security.Cryptography;
using System.Text;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// One restore (or undo, or discard) of a site at a time on this node: an exclusive lock (flock)
/// on a file named after the site's root, in the node's data directory (the work directory's
/// grandparent). The kernel lets it go when the process dies, so a crash leaves no stale lock.
/// </summary>
internal static class RestoreLock
{
    /// <summary>Takes the lock of <paramref name="siteRoot"/>; dispose the stream to let it go.</summary>
    /// <exception cref="ModuleFailedException">Another job of this node holds it.</exception>
    public static FileStream Take(StageContext context, string siteRoot)
    {
        var locks = Path.GetFullPath(Path.Combine(context.WorkDirectory, "..", "..", "restore-locks"));
        Directory.CreateDirectory(locks);
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(siteRoot))))[..16] + ".lock";
        try
        {
            return new FileStream(Path.Combine(locks, name), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new ModuleFailedException($"Another restore of {siteRoot} is running on this node; wait for it to end. Nothing was changed.");
        }
    }
}
