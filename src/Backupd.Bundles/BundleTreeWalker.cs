using System.IO.Enumeration;

namespace Backupd.Bundles;

/// <summary>
/// Walks one directory tree into a <see cref="BundleWriter"/>: depth first, names in ordinal order
/// so the same tree always gives the same entries in the same order, with lstat semantics (links
/// are entries, never followed, not even one swapped in while the walk runs).
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
        using var root = OpenRoot(rootPath);
        if (entryPrefix.Length > 0)
        {
            await writer.WriteDirectoryAsync(entryPrefix, root.Status(string.Empty), cancellationToken).ConfigureAwait(false);
            _directories++;
        }

        await WalkDirectoryAsync(root, "", cancellationToken).ConfigureAwait(false);
        progress.Finished();
        return new BundleTreeSummary(_files, _directories, _symlinks, _skipped.Count, progress.BytesDone) { SkippedPaths = _skipped };
    }

    // The walk goes through held directories, each opened from its parent without following a
    // link, and each file is opened from its held directory the same way: a root node backing up a
    // tree the site's owner can write must not read, through a link swapped in for a file or a
    // directory mid-walk, what that owner may not read (root's files would reach the owner through
    // a restore). A link at the root itself (a deployment's shared wp-content) is followed only as
    // HeldDirectory.MayFollow allows.
    private static HeldDirectory OpenRoot(string rootPath)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootPath));
        var parentPath = Path.GetDirectoryName(full);
        try
        {
            if (parentPath is null)
            {
                return HeldDirectory.Open(full);
            }

            using var parent = HeldDirectory.Open(parentPath);
            var name = Path.GetFileName(full);
            var kind = parent.Status(name).Kind;
            if (kind == LinuxFileKind.Directory)
            {
                return parent.OpenBeneath(name);
            }

            if (kind != LinuxFileKind.SymbolicLink)
            {
                throw new IOException($"it is a {kind}, not a directory");
            }

            var held = HeldDirectory.Open(full);
            var target = held.Owner;
            if (!parent.MayFollow(name, target))
            {
                held.Dispose();
                throw new IOException($"it is a link to a directory of uid {target.Uid}, followed only when the link and the directory belong to the owner of {parentPath} (uid {parent.Owner.Uid}), or when only root may write there");
            }

            return held;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not BundleSourceException)
        {
            throw new BundleSourceException(rootPath, e);
        }
    }

    private async Task WalkDirectoryAsync(HeldDirectory directory, string relativeDirectory, CancellationToken cancellationToken)
    {
        foreach (var name in ListNames(directory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var shown = Path.Join(directory.Shown, name);
            var relative = BundleEntryNames.Join(relativeDirectory, name);
            var status = Open(() => directory.Status(name), shown);
            if (exclude.Excludes(relative, status.Kind == LinuxFileKind.Directory))
            {
                continue;
            }

            var entryName = BundleEntryNames.Join(entryPrefix, relative);
            switch (status.Kind)
            {
                case LinuxFileKind.RegularFile:
                    progress.Started(entryName);
                    using (var file = Open(() => directory.OpenFile(name), shown))
                    {
                        await writer.WriteFileAsync(file, shown, entryName, status, progress, cancellationToken).ConfigureAwait(false);
                    }

                    progress.FileDone();
                    _files++;
                    break;
                case LinuxFileKind.Directory:
                    await writer.WriteDirectoryAsync(entryName, status, cancellationToken).ConfigureAwait(false);
                    _directories++;
                    using (var inner = Open(() => directory.OpenBeneath(name), shown))
                    {
                        await WalkDirectoryAsync(inner, relative, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case LinuxFileKind.SymbolicLink:
                    await writer.WriteSymbolicLinkAsync(entryName, ReadLinkTarget(Path.Join(directory.Path, name), shown), status, cancellationToken).ConfigureAwait(false);
                    _symlinks++;
                    break;
                default:
                    _skipped.Add(relative);
                    break;
            }
        }
    }

    // What the walk reads of an entry through its held directory, failing as the bundle's source.
    private static T Open<T>(Func<T> open, string shown)
    {
        try
        {
            return open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BundleSourceException(shown, e);
        }
    }

    private List<string> ListNames(HeldDirectory directory)
    {
        try
        {
            var names = new FileSystemEnumerable<string>(directory.Path, (ref entry) => entry.FileName.ToString(), _listingOptions).ToList();
            names.Sort(StringComparer.Ordinal);
            return names;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BundleSourceException(directory.Shown, Shown(e, directory.Path, directory.Shown));
        }
    }

    private static string ReadLinkTarget(string path, string shown)
    {
        try
        {
            return new FileInfo(path).LinkTarget ?? throw new IOException("it is no longer a symbolic link");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BundleSourceException(shown, Shown(e, path, shown));
        }
    }

    // .NET names the path it was given: the held directory's /proc/self/fd one, which means
    // nothing to whoever reads the job's error.
    private static IOException Shown(Exception e, string path, string shown) => new(e.Message.Replace(path, shown, StringComparison.Ordinal), e);
}
