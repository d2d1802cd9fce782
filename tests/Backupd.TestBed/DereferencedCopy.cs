namespace Backupd.TestBed;

/// <summary>Copies a directory tree with symbolic links replaced by what they point to, like <c>cp -rL</c>.</summary>
internal static class DereferencedCopy
{
    // Creating a file costs most of a millisecond on VM disks; a few at once hide that latency.
    private const int ParallelFiles = 4;

    public static void Copy(string source, string destination, CancellationToken cancellationToken)
    {
        var files = new List<(string Source, string Destination)>();
        CreateDirectories(source, destination, files, cancellationToken);
        Parallel.ForEach(
            files,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelFiles, CancellationToken = cancellationToken },
            file => File.Copy(file.Source, file.Destination));
    }

    /// <summary>Makes the directory tree and lists the files to copy into it.</summary>
    private static void CreateDirectories(string source, string destination, List<(string Source, string Destination)> files, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(destination);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(destination, entry.Name);
            var path = entry.LinkTarget is null ? entry.FullName : entry.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            if (path is not null && Directory.Exists(path))
            {
                CreateDirectories(path, target, files, cancellationToken);
            }
            else if (path is not null && File.Exists(path))
            {
                files.Add((path, target));
            }

            // A dangling link has nothing to copy; a site works without it, as it did before.
        }
    }
}
