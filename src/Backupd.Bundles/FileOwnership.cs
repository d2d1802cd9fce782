using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Backupd.Bundles;

/// <summary>
/// Who owns restored files: the site's owner on this host, not the uid a bundle recorded on
/// another. .NET sets modes and times but has no chown, so this calls lchown(2) itself.
/// </summary>
public static class FileOwnership
{
    /// <summary>The owner and group of <paramref name="path"/> (not following a final link).</summary>
    public static FileOwner Of(string path)
    {
        var status = LinuxFileStatus.Of(path, followSymlinks: false);
        return new FileOwner(status.Uid, status.Gid);
    }

    /// <summary>The owner and group of the open file <paramref name="file"/>, named <paramref name="path"/> in messages.</summary>
    public static FileOwner Of(SafeFileHandle file, string path)
    {
        var status = LinuxFileStatus.Of(file, string.Empty, path);
        return new FileOwner(status.Uid, status.Gid);
    }

    /// <summary>Gives <paramref name="root"/> (a file, or a directory and everything under it) (links themselves, never their targets) to <paramref name="owner"/>.</summary>
    /// <exception cref="IOException">A change was refused (the process is not privileged, or the file system refuses).</exception>
    public static void ChangeTree(string root, FileOwner owner)
    {
        ChangeEntry(root, owner);
        if (LinuxFileStatus.Of(root, followSymlinks: false).Kind != LinuxFileKind.Directory)
        {
            return;
        }

        var all = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", all))
        {
            ChangeEntry(path, owner);
        }
    }

    /// <summary>Gives <paramref name="path"/> (a link itself, never its target) to <paramref name="owner"/>.</summary>
    /// <exception cref="IOException">The change was refused.</exception>
    public static void ChangeEntry(string path, FileOwner owner)
    {
        if (Native.Lchown(path, owner.Uid, owner.Gid) != 0)
        {
            throw Refused(path, owner);
        }
    }

    /// <summary>Gives the open file <paramref name="file"/>, at <paramref name="path"/> (for the message), to <paramref name="owner"/>.</summary>
    /// <exception cref="IOException">The change was refused.</exception>
    public static void Change(SafeFileHandle file, string path, FileOwner owner)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (Native.Fchown(file, owner.Uid, owner.Gid) != 0)
        {
            throw Refused(path, owner);
        }
    }

    private static IOException Refused(string path, FileOwner owner) =>
        new($"Could not give {path} to uid {owner.Uid}, gid {owner.Gid}: error {Marshal.GetLastPInvokeError()}.");

    private static class Native
    {
        // DllImport rather than LibraryImport: the generated stubs need unsafe code, which this project does not allow.
        [DllImport("libc", EntryPoint = "lchown", SetLastError = true)]
        public static extern int Lchown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);

        // The handle goes down as the descriptor, an int in the first argument register on x64 and arm64 alike.
        [DllImport("libc", EntryPoint = "fchown", SetLastError = true)]
        public static extern int Fchown(SafeFileHandle fd, int owner, int group);
    }
}
