using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Backupd.Bundles;

/// <summary>What a file is on disk: its type, permission bits, owner, size and modification time.</summary>
/// <remarks>
/// .NET exposes permission bits but not the file type, and a FIFO or a device must be recognised
/// before it is opened (opening a FIFO blocks; reading <c>/dev/zero</c> never ends). <c>statx</c>
/// gives everything in one call, and unlike <c>struct stat</c> its layout is the same on every
/// Linux architecture.
/// </remarks>
internal readonly record struct LinuxFileStatus(
    LinuxFileKind Kind, UnixFileMode Mode, long Size, DateTimeOffset ModificationTime, int Uid, int Gid)
{
    /// <summary>Reads the status of <paramref name="path"/>, or throws <see cref="BundleSourceException"/> naming it.</summary>
    public static LinuxFileStatus Of(string path, bool followSymlinks) =>
        Read(path, followSymlinks, out var status) is { } error ? throw new BundleSourceException(path, error) : status;

    /// <summary>Whether <paramref name="path"/> exists, without following a final symbolic link.</summary>
    public static bool Exists(string path) => Read(path, followSymlinks: false, out _) switch
    {
        null => true,
        FileNotFoundException => false,
        var error => throw error,
    };

    /// <summary>The status of the open file <paramref name="file"/>, or of <paramref name="name"/> in the open directory <paramref name="file"/> (not following a link there).</summary>
    public static LinuxFileStatus Of(SafeFileHandle file, string name, string shown)
    {
        const int EmptyPath = 0x1000;        // AT_EMPTY_PATH: the descriptor's own file
        if (Native.Statx(file, name, name.Length == 0 ? EmptyPath : NoFollow, BasicStats, out var raw) == 0)
        {
            return From(raw);
        }

        throw Error(Marshal.GetLastPInvokeError(), shown);
    }

    private const int NoFollow = 0x100;      // AT_SYMLINK_NOFOLLOW
    private const uint BasicStats = 0x7ff;   // STATX_BASIC_STATS

    private static Exception? Read(string path, bool followSymlinks, out LinuxFileStatus status)
    {
        const int CurrentDirectory = -100;   // AT_FDCWD

        if (Native.Statx(CurrentDirectory, path, followSymlinks ? 0 : NoFollow, BasicStats, out var raw) == 0)
        {
            status = From(raw);
            return null;
        }

        status = default;
        return Error(Marshal.GetLastPInvokeError(), path);
    }

    private static LinuxFileStatus From(StatxBuffer raw) => new(
        KindOf(raw.Mode),
        (UnixFileMode)(raw.Mode & 0xFFF),
        (long)raw.Size,
        DateTimeOffset.FromUnixTimeSeconds(raw.MtimeSeconds).AddTicks(raw.MtimeNanoseconds / 100),
        (int)raw.Uid,
        (int)raw.Gid);

    private static Exception Error(int errno, string path)
    {
        const int NoSuchFile = 2;            // ENOENT
        const int NotADirectory = 20;        // ENOTDIR: a parent is a file, so the path does not exist either
        const int PermissionDenied = 13;     // EACCES

        var message = $"{Marshal.GetPInvokeErrorMessage(errno)}: '{path}'";
        return errno switch
        {
            NoSuchFile or NotADirectory => new FileNotFoundException(message, path),
            PermissionDenied => new UnauthorizedAccessException(message),
            _ => new IOException(message),
        };
    }

    private static LinuxFileKind KindOf(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => LinuxFileKind.RegularFile,
        0x4000 => LinuxFileKind.Directory,
        0xA000 => LinuxFileKind.SymbolicLink,
        0x1000 => LinuxFileKind.Fifo,
        0xC000 => LinuxFileKind.Socket,
        0x2000 => LinuxFileKind.CharacterDevice,
        0x6000 => LinuxFileKind.BlockDevice,
        _ => LinuxFileKind.Unknown,
    };

    // struct statx from <linux/stat.h>: 256 bytes, only the fields read here are declared.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(24)] public uint Gid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(112)] public long MtimeSeconds;
        [FieldOffset(120)] public uint MtimeNanoseconds;
    }

    private static class Native
    {
        // DllImport rather than LibraryImport: the generated stubs need unsafe code, which this project does not allow.
        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        public static extern int Statx(
            int directoryFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxBuffer buffer);

        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        public static extern int Statx(
            SafeFileHandle directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxBuffer buffer);
    }
}

/// <summary>The type of a file as <c>lstat</c> reports it.</summary>
internal enum LinuxFileKind
{
    Unknown,
    RegularFile,
    Directory,
    SymbolicLink,
    Fifo,
    Socket,
    CharacterDevice,
    BlockDevice,
}
