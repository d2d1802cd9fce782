using System.IO.Enumeration;

namespace Backupd.Bundles;

/// <summary>
/// Walks one directory tree into a <see cref="BundleWriter"/>: depth first, names in ordinal order
/// so the same tree always gives the same entries in the same order, with lstat semantics (links
/// are entries, never followed).
/// </summary>
internal sealed class BundleTreeWalker(BundleWriter writer, string entryPrefix, BundleExcludeFilter exclude, TreeProgress progress)
{
    // Hidden and system attributes must not be skipped: on Linux "hidden" only means a leading dot (.htaccess).
    private readonly EnumerationOptions _listingOptions = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private readonly List<string> _skipped = [];
    private int _files;
    private int _directories;
    private int _symlinks;

    public async Task<BundleTreeSummary> WalkAsync(string rootPath, CancellationToken cancellationToken)
    {
        var root = LinuxFileStatus.Of(rootPath, followSymlinks: true);
        if (root.Kind != LinuxFileKind.Directory)
        {
            throw new BundleSourceException(rootPath, new IOException($"it is a {root.Kind}, not a directory"));
        }

        if (entryPrefix.Length > 0)
        {
            await writer.WriteDirectoryAsync(entryPrefix, root, cancellationToken).ConfigureAwait(false);
            _directories++;
        }

        await WalkDirectoryAsync(rootPath, "", cancellationToken).ConfigureAwait(false);
        progress.Finished();
        return new BundleTreeSummary(_files, _directories, _symlinks, _skipped.Count, progress.BytesDone) { SkippedPaths = _skipped };
    }

    private async Task WalkDirectoryAsync(string directory, string relativeDirectory, CancellationToken cancellationToken)
    {
        foreach (var name in ListNames(directory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = Path.Join(directory, name);
            var relative = BundleEntryNames.Join(relativeDirectory, name);
            var status = LinuxFileStatus.Of(path, followSymlinks: false);
            if (exclude.Excludes(relative, status.Kind == LinuxFileKind.Directory))
            {
                continue;
            }

            var entryName = BundleEntryNames.Join(entryPrefix, relative);
            switch (status.Kind)
            {
                case LinuxFileKind.RegularFile:
                    progress.Started(entryName);
                    await writer.WriteFileAsync(path, entryName, status, progress, cancellationToken).ConfigureAwait(false);
                    progress.FileDone();
                    _files++;
                    break;
                case LinuxFileKind.Directory:
                    await writer.WriteDirectoryAsync(entryName, status, cancellationToken).ConfigureAwait(false);
                    _directories++;
                    await WalkDirectoryAsync(path, relative, cancellationToken).ConfigureAwait(false);
                    break;
                case LinuxFileKind.SymbolicLink:
                    await writer.WriteSymbolicLinkAsync(entryName, ReadLinkTarget(path), status, cancellationToken).ConfigureAwait(false);
                    _symlinks++;
                    break;
                default:
                    _skipped.Add(relative);
                    break;
            }
        }
    }

    private List<string> ListNames(string directory)
    {
        try
        {
            var names = new FileSystemEnumerable<string>(directory, (ref entry) => entry.FileName.ToString(), _listingOptions).ToList();
            names.Sort(StringComparer.Ordinal);
            return names;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BundleSourceException(directory, e);
        }
    }

    private static string ReadLinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget ?? throw new IOException("it is no longer a symbolic link");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BundleSourceException(path, e);
        }
    }
}
