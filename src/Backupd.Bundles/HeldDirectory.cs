using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Backupd.Bundles;

/// <summary>
/// A directory held open, reached through <c>/proc/self/fd/N</c> (<see cref="Path"/>): a path
/// through it goes to that directory wherever it has been moved since, never to anything put in
/// its place.
/// </summary>
/// <remarks>
/// A root node restores into trees a site's owner can write, and that owner (the account a broken
/// WordPress runs as) can rename a directory and put a link where it was between two system calls
/// of ours. Every change root makes there goes through held directories: the site's root, the
/// restore's private directories, and parents opened one name at a time without following a link
/// (<see cref="OpenBeneath"/>), so the owner can make a restore fail but never make it write,
/// move or give away anything outside the site. .NET has no openat, so this calls it itself.
/// </remarks>
public sealed class HeldDirectory : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly SafeFileHandle _handle;

    private HeldDirectory(SafeFileHandle handle, string shown)
    {
        _handle = handle;
        Shown = shown;
        Path = $"/proc/self/fd/{handle.DangerousGetHandle()}";
    }

    /// <summary>A path to the held directory that no rename or link can redirect (for this process only).</summary>
    public string Path { get; }

    /// <summary>Where the directory was when it was opened: for messages.</summary>
    public string Shown { get; }

    /// <summary>Opens the directory at <paramref name="path"/>, a path an admin gave: links on the way are followed once, here.</summary>
    /// <exception cref="IOException">It is not a directory, or cannot be opened.</exception>
    public static HeldDirectory Open(string path) =>
        new(Native.Open(-100, path, OpenFlags.Directory, path, following: true), path);

    /// <summary>
    /// Opens <paramref name="relative"/> under this directory one name at a time, refusing a link or
    /// a file anywhere on the way; with <paramref name="makeMissing"/>, missing directories are made
    /// (mode 0777 less the umask, as mkdir(1) makes them) and given to <paramref name="owner"/> when it is not null.
    /// </summary>
    /// <exception cref="IOException">A name on the way is a link or not a directory, or is missing and not to be made.</exception>
    public HeldDirectory OpenBeneath(string relative, bool makeMissing = false, FileOwner? owner = null)
    {
        var shown = Shown;
        var current = this;
        try
        {
            foreach (var name in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (name is "." or "..")
                {
                    throw new IOException($"'{relative}' steps outside '{Shown}'.");
                }

                shown = System.IO.Path.Join(shown, name);
                var next = current.OpenChild(name, shown, makeMissing, owner);
                if (current != this)
                {
                    current.Dispose();
                }

                current = next;
            }

            return current == this ? new HeldDirectory(Native.Open(_handle, ".", OpenFlags.Directory, Shown, following: false), Shown) : current;
        }
        catch
        {
            if (current != this)
            {
                current.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Opens the regular file <paramref name="name"/> here for reading, refusing a link (never
    /// followed unless <paramref name="followLink"/>), a FIFO (opened without waiting for a writer)
    /// or a device.
    /// </summary>
    /// <exception cref="IOException">It is not a regular file, or cannot be opened.</exception>
    public SafeFileHandle OpenFile(string name, bool followLink = false)
    {
        var shown = System.IO.Path.Join(Shown, name);
        var file = Native.Open(_handle, name, followLink ? OpenFlags.NonBlocking : OpenFlags.NoFollow | OpenFlags.NonBlocking, shown, following: followLink);
        try
        {
            if (LinuxFileStatus.Of(file, string.Empty, shown).Kind != LinuxFileKind.RegularFile)
            {
                throw new IOException($"'{shown}' is not a regular file.");
            }

            // Non-blocking only to open a FIFO without waiting; read ahead as for a sequential read.
            Native.ReadSequentially(file, shown);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Makes <paramref name="name"/> here, 0700 and this process's, and holds it; fails when the name is
    /// taken. Nobody else can enter it, so what is written inside is out of reach until moved out.
    /// </summary>
    /// <exception cref="IOException">The name is taken, or what was opened is not the directory just made.</exception>
    public HeldDirectory CreatePrivate(string name)
    {
        var shown = System.IO.Path.Join(Shown, name);
        Native.MakeDirectory(_handle, name, OwnerOnly, shown);
        return OpenPrivate(name) ?? throw new IOException($"'{shown}' went away as soon as it was made.");
    }

    /// <summary>Holds <paramref name="name"/> here, made earlier by <see cref="CreatePrivate"/> (its mode may have been opened for reading since); null when there is nothing by that name.</summary>
    /// <exception cref="IOException">Something else has the name: a link, a file, or a directory another user made or may write into.</exception>
    public HeldDirectory? OpenPrivate(string name)
    {
        var shown = System.IO.Path.Join(Shown, name);
        if (!Exists(name))
        {
            return null;
        }

        var held = new HeldDirectory(Native.Open(_handle, name, OpenFlags.Directory | OpenFlags.NoFollow, shown, following: false), shown);
        LinuxFileStatus status;
        try
        {
            status = held.Status(string.Empty);
        }
        catch
        {
            held.Dispose();
            throw;
        }

        // Only root makes root's directories, and one nobody else may write into is one nobody else changed.
        if (status.Uid != Native.EffectiveUid() || (status.Mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            held.Dispose();
            throw new IOException($"'{shown}' is not the directory this restore made (uid {status.Uid}, mode {Convert.ToString((int)status.Mode, 8)}): someone else put it there.");
        }

        return held;
    }

    /// <summary>What <paramref name="name"/> here is (a link itself, not followed); the held directory's own status for an empty name.</summary>
    internal LinuxFileStatus Status(string name) => LinuxFileStatus.Of(_handle, name, name.Length == 0 ? Shown : System.IO.Path.Join(Shown, name));

    /// <summary>Whether anything (a link included, not followed) has the name <paramref name="name"/> here.</summary>
    public bool Exists(string name)
    {
        try
        {
            Status(name);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Who owns the held directory. (<see cref="Path"/> itself is a link in <c>/proc</c>: what is
    /// read or set on it without following links, as .NET does for times and as lstat does, is the
    /// link's, so the directory's own owner and time are read and set through the descriptor.)
    /// </summary>
    public FileOwner Owner => FileOwnership.Of(_handle, Shown);

    /// <summary>The held directory's modification time.</summary>
    public DateTime LastWriteTimeUtc
    {
        get => File.GetLastWriteTimeUtc(_handle);
        set => File.SetLastWriteTimeUtc(_handle, value);
    }

    /// <summary>
    /// Whether a link named <paramref name="name"/> here may be followed to a file or directory of
    /// <paramref name="target"/>: when the link and the target belong to this directory's owner
    /// (who could read the target anyway), or when only root may write here (root made the link).
    /// A site's owner cannot, so, point a root process at another user's files.
    /// </summary>
    public bool MayFollow(string name, FileOwner target)
    {
        var here = Status(string.Empty);
        return (here.Uid == 0 && (here.Mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0)
            || (Status(name).Uid == here.Uid && target.Uid == here.Uid);
    }

    /// <summary>Sets the held directory's mode.</summary>
    public void SetMode(UnixFileMode mode) => File.SetUnixFileMode(_handle, mode);

    /// <summary>Gives the held directory to <paramref name="owner"/>.</summary>
    public void SetOwner(FileOwner owner) => FileOwnership.Change(_handle, Shown, owner);

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private HeldDirectory OpenChild(string name, string shown, bool makeMissing, FileOwner? owner)
    {
        var made = makeMissing && !Exists(name);
        if (made)
        {
            Native.MakeDirectory(_handle, name, (UnixFileMode)0x1FF, shown);
        }

        var child = new HeldDirectory(Native.Open(_handle, name, OpenFlags.Directory | OpenFlags.NoFollow, shown, following: false), shown);
        try
        {
            if (made && owner is { } given)
            {
                child.SetOwner(given);
            }
        }
        catch
        {
            child.Dispose();
            throw;
        }

        return child;
    }

    [Flags]
    private enum OpenFlags
    {
        Directory = 1,
        NoFollow = 2,
        NonBlocking = 4,
    }

    private static class Native
    {
        private const int CloseOnExec = 0x80000;   // O_CLOEXEC
        private const int TooManyLinks = 40;       // ELOOP: the name is a link and O_NOFOLLOW was asked
        private const int NotADirectory = 20;      // ENOTDIR
        private const int NoSuchFile = 2;          // ENOENT
        private const int Exists = 17;             // EEXIST

        public static SafeFileHandle Open(int directoryFd, string path, OpenFlags flags, string shown, bool following) =>
            Result(Openat(directoryFd, path, Flags(flags), 0), shown, following);

        public static SafeFileHandle Open(SafeFileHandle directory, string path, OpenFlags flags, string shown, bool following) =>
            Result(Openat(directory, path, Flags(flags), 0), shown, following);

        public static void MakeDirectory(SafeFileHandle directory, string name, UnixFileMode mode, string shown)
        {
            if (Mkdirat(directory, name, (uint)mode) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException(errno == Exists
                    ? $"'{shown}' is there already: something else took the name."
                    : $"Could not make '{shown}': {Marshal.GetPInvokeErrorMessage(errno)}.");
            }
        }

        public static int EffectiveUid() => (int)Geteuid();

        public static void ReadSequentially(SafeFileHandle file, string shown)
        {
            const int GetFlags = 3, SetFlags = 4, NonBlocking = 0x800, Sequential = 2;   // F_GETFL, F_SETFL, O_NONBLOCK, POSIX_FADV_SEQUENTIAL
            var flags = Fcntl(file, GetFlags, 0);
            if (flags < 0 || Fcntl(file, SetFlags, flags & ~NonBlocking) < 0)
            {
                throw new IOException($"Could not prepare '{shown}' for reading: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
            }

            // Advice only: a file system that takes none reads as well without it.
            _ = Fadvise(file, 0, 0, Sequential);
        }

        // O_DIRECTORY and O_NOFOLLOW are not the same numbers on arm64 as on x64 (asm-generic), and
        // others again elsewhere (ppc64le): on an architecture not listed, a wrong number could
        // silently drop O_NOFOLLOW, so there is no default.
        private static int Flags(OpenFlags flags)
        {
            var arm = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => false,
                Architecture.Arm64 or Architecture.Arm => true,
                var other => throw new PlatformNotSupportedException($"backupd does not know open(2)'s flags on {other}."),
            };
            var value = CloseOnExec;
            if (flags.HasFlag(OpenFlags.Directory))
            {
                value |= arm ? 0x4000 : 0x10000;
            }

            if (flags.HasFlag(OpenFlags.NoFollow))
            {
                value |= arm ? 0x8000 : 0x20000;
            }

            if (flags.HasFlag(OpenFlags.NonBlocking))
            {
                value |= 0x800;   // O_NONBLOCK, the same on both
            }

            return value;
        }

        private static SafeFileHandle Result(int fd, string shown, bool following)
        {
            if (fd >= 0)
            {
                return new SafeFileHandle((IntPtr)fd, ownsHandle: true);
            }

            var errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                NoSuchFile => new DirectoryNotFoundException($"'{shown}' is not there."),
                TooManyLinks or NotADirectory when !following => new IOException($"'{shown}' is a link or not what was expected there, and a restore follows no link inside a site."),
                _ => new IOException($"Could not open '{shown}': {Marshal.GetPInvokeErrorMessage(errno)}."),
            };
        }

        // DllImport rather than LibraryImport: the generated stubs need unsafe code, which this project does not allow.
        // openat is variadic in C; its mode argument is read only with O_CREAT, never asked for here.
        [DllImport("libc", EntryPoint = "openat", SetLastError = true)]
        private static extern int Openat(int directoryFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

        [DllImport("libc", EntryPoint = "openat", SetLastError = true)]
        private static extern int Openat(SafeFileHandle directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

        [DllImport("libc", EntryPoint = "mkdirat", SetLastError = true)]
        private static extern int Mkdirat(SafeFileHandle directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

        // fcntl is variadic in C; F_GETFL and F_SETFL take and give one int.
        [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
        private static extern int Fcntl(SafeFileHandle file, int command, int argument);

        [DllImport("libc", EntryPoint = "posix_fadvise")]
        private static extern int Fadvise(SafeFileHandle file, long offset, long length, int advice);

        [DllImport("libc", EntryPoint = "geteuid")]
        private static extern uint Geteuid();
    }
}
