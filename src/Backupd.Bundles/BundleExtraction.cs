using System.Formats.Tar;

namespace Backupd.Bundles;

/// <summary>One extraction into an empty directory; <see cref="ExtractionPaths"/> vets each entry before anything is written for it.</summary>
internal sealed class BundleExtraction(string destination)
{
    // rwxrwxrwx only: set-user/group-ID bits from an untrusted archive would hand its files our privileges.
    private const UnixFileMode PermissionBits = (UnixFileMode)0x1FF;

    private readonly ExtractionPaths _paths = new(destination);
    private readonly List<(string Path, UnixFileMode Mode, DateTimeOffset ModificationTime)> _directories = [];
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
            File.CreateSymbolicLink(_paths.FullPath(relative), target);
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
        Directory.CreateDirectory(path);
        _directories.Add((path, entry.Mode, entry.ModificationTime));
    }

    private async Task AddFileAsync(TarEntry entry, byte[] chunk, CancellationToken cancellationToken)
    {
        var path = PrepareNewPath(entry.Name, _paths.Resolve(entry.Name, allowRoot: false));
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        await using (var file = new FileStream(path, options))
        {
            if (entry.DataStream is { } data)
            {
                int read;
                while ((read = await data.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await file.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    _bytes += read;
                }
            }
        }

        File.SetUnixFileMode(path, entry.Mode & PermissionBits);
        File.SetLastWriteTimeUtc(path, entry.ModificationTime.UtcDateTime);
        _files++;
    }

    private void AddLink(TarEntry entry)
    {
        var relative = _paths.Resolve(entry.Name, allowRoot: false);
        PrepareNewPath(entry.Name, relative);
        _paths.AcceptLink(entry.Name, relative, entry.LinkName);
    }

    // Creates the parent directories and makes sure the entry does not replace anything extracted before it.
    private string PrepareNewPath(string entryName, string relative)
    {
        var path = _paths.FullPath(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (LinuxFileStatus.Exists(path))
        {
            throw new HostileBundleEntryException(entryName, "it appears twice in the bundle");
        }

        return path;
    }
}
