using System.Runtime.InteropServices;

namespace Backupd.Bundles;

/// <summary>
/// Who owns restored files: the site's owner on this host, not the uid a bundle recorded on
/// another. .NET sets modes and times but has no chown, so this calls lchown(2) itself.
/// </summary>
public static class FileOwnership
{
    /// <summary>The owner and group of <paramref name="path"/> (not following a final link).</summary>
    public static (int Uid, int Gid) Of(string path)
    {
        var status = LinuxFileStatus.Of(path, followSymlinks: false);
        return (status.Uid, status.Gid);
    }

    /// <summary>Gives <paramref name="root"/> (a file, or a directory and everything under it) (links themselves, never their targets) to <paramref name="uid"/>:<paramref name="gid"/>.</summary>
    /// <exception cref="IOException">A change was refused (the process is not privileged, or the file system refuses).</exception>
    public static void ChangeTree(string root, int uid, int gid)
    {
        Change(root, uid, gid);
        if (LinuxFileStatus.Of(root, followSymlinks: false).Kind != LinuxFileKind.Directory)
        {
            return;
        }

        var all = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", all))
        {
            Change(path, uid, gid);
        }
    }

    private static void Change(string path, int uid, int gid)
    {
        if (Native.Lchown(path, uid, gid) != 0)
        {
            throw new IOException($"Could not give {path} to uid {uid}, gid {gid}: error {Marshal.GetLastPInvokeError()}.");
        }
    }

    private static class Native
    {
        // DllImport rather than LibraryImport: the generated stubs need unsafe code, which this project does not allow.
        [DllImport("libc", EntryPoint = "lchown", SetLastError = true)]
        public static extern int Lchown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);
    }
}
