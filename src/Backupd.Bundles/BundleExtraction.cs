using System.Formats.Tar;

namespace Backupd.Bundles;

/// <summary>One extraction into an empty directory; <see cref="ExtractionPaths"/> vets each entry before anything is written for it.</summary>
/// <remarks>
/// A restore writes tens of thousands of files, so each costs as few system calls as .NET allows:
/// parents made once, no check before a create that cannot overwrite anyway, writes straight to
/// the file's handle, and mode, time and owner set through that handle (directories and links
/// get theirs at the end, once nothing more is written into them).
/// </remarks>
internal sealed class BundleExtraction(string destination, FileOwner? owner)
{
    // rwxrwxrwx only: set-user/group-ID bits from an untrusted archive would hand its files our privileges.
    private const UnixFileMode PermissionBits = (UnixFileMode)0x1FF;

    private readonly ExtractionPaths _paths = new(destination);
    private readonly List<(string Path, UnixFileMode Mode, DateTimeOffset ModificationTime)> _directories = [];
    // Every directory this extraction made or saw made, so that a file's parent is made only once.
    private readonly HashSet<string> _made = new(StringComparer.Ordinal);
    private bool _prepared;
    private int _files;
    private int _skipped;
    private long _bytes;

    public async Task AddAsync(TarEntry entry, byte[] chunk, CancellationToken cancellationToken)
    {
        Prepare();
        switch (entry.EntryType)
        {
            case TarEntryType.GlobalExtendedAttributes:
                _skipped++;
                break;
            case TarEntryType.Directory:
                AddDirectory(entry);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                await AddFileAsync(entry, chunk, cancellationToken).ConfigureAwait(false);
                break;
            case TarEntryType.SymbolicLink:
                AddLink(entry);
                break;
            default:
                throw new HostileBundleEntryException(
                    entry.Name, $"it is a {entry.EntryType}, and a bundle holds only files, directories and symbolic links");
        }
    }

    public BundleTreeSummary Finish()
    {
        Prepare();
        _paths.CheckLinks();
        foreach (var (relative, target) in _paths.Links)
        {
            var link = _paths.FullPath(relative);
            File.CreateSymbolicLink(link, target);
            if (owner is { } linkOwner)
            {
                FileOwnership.ChangeEntry(link, linkOwner);
            }
        }

        if (owner is { } directoryOwner)
        {
            foreach (var directory in _made.Where(path => path != _paths.Root))
            {
                FileOwnership.ChangeEntry(directory, directoryOwner);
            }
        }

        // Deepest first, and after everything inside is written: writing into a directory changes its time,
        // and a read-only mode would stop the writing.
        foreach (var (path, mode, time) in _directories.OrderByDescending(d => d.Path.Length))
        {
            File.SetUnixFileMode(path, mode & PermissionBits);
            Directory.SetLastWriteTimeUtc(path, time.UtcDateTime);
        }

        return new BundleTreeSummary(_files, _directories.Count, _paths.Links.Count, _skipped, _bytes);
    }

    private void Prepare()
    {
        if (_prepared)
        {
            return;
        }

        if (Directory.Exists(_paths.Root) && Directory.EnumerateFileSystemEntries(_paths.Root).Any())
        {
            throw new IOException($"Cannot extract into '{_paths.Root}': it is not empty, and extraction never overwrites anything.");
        }

        Directory.CreateDirectory(_paths.Root);
        _made.Add(_paths.Root);
        _prepared = true;
    }

    private void AddDirectory(TarEntry entry)
    {
        var relative = _paths.Resolve(entry.Name, allowRoot: true);
        if (relative.Length == 0)
        {
            return;
        }

        var path = _paths.FullPath(relative);
        MakeDirectory(path);
        _directories.Add((path, entry.Mode, entry.ModificationTime));
    }

    private async Task AddFileAsync(TarEntry entry, byte[] chunk, CancellationToken cancellationToken)
    {
        var path = _paths.FullPath(_paths.Resolve(entry.Name, allowRoot: false));
        MakeDirectory(Path.GetDirectoryName(path)!);
        using var stream = CreateFile(entry.Name, path);
        var file = stream.SafeFileHandle;
        File.SetUnixFileMode(file, entry.Mode & PermissionBits);
        if (entry.DataStream is { } data)
        {
            long written = 0;
            int read;
            while ((read = await data.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                // Synchronous: an asynchronous write to a file handed each chunk to another thread.
                RandomAccess.Write(file, chunk.AsSpan(0, read), written);
                written += read;
            }

            _bytes += written;
        }

        File.SetLastWriteTimeUtc(file, entry.ModificationTime.UtcDateTime);
        if (owner is { } fileOwner)
        {
            FileOwnership.Change(file, path, fileOwner);
        }

        _files++;
    }

    // Create-new fails on anything already at the path, a dangling link included: that is the
    // duplicate check, without asking the file system first. Made 0600, so no one else can open
    // it before its own mode is set; unbuffered, as only its handle is written to.
    private static FileStream CreateFile(string entryName, string path)
    {
        try
        {
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (LinuxFileStatus.Exists(path))
        {
            throw new HostileBundleEntryException(entryName, "it appears twice in the bundle");
        }
    }

    private void MakeDirectory(string path)
    {
        if (_made.Contains(path))
        {
            return;
        }

        Directory.CreateDirectory(path);
        // It and every directory above it, up to the root, exist now.
        for (var made = path; made.Length > _paths.Root.Length && _made.Add(made); made = Path.GetDirectoryName(made)!)
        {
        }
    }

    private void AddLink(TarEntry entry)
    {
        var relative = _paths.Resolve(entry.Name, allowRoot: false);
        var path = _paths.FullPath(relative);
        MakeDirectory(Path.GetDirectoryName(path)!);
        if (LinuxFileStatus.Exists(path))
        {
            throw new HostileBundleEntryException(entry.Name, "it appears twice in the bundle");
        }

        _paths.AcceptLink(entry.Name, relative, entry.LinkName);
    }
}
