using System.Security.Cryptography;
using Backupd.Modules;
using Backupd.Modules.Storage;

namespace Backupd.Storage;

/// <summary>
/// Writes bundles into a directory on the node (a local disk, a NAS mount), and reads them back. The directory must
/// exist: creating it would quietly fill the root file system when a mount is missing.
/// </summary>
public sealed class LocalFolderStorage : IBundleStorage
{
    private const int BufferSize = 1 << 20;
    private readonly string _root;
    private readonly string _prefix;

    /// <param name="rootPath">The absolute directory path.</param>
    /// <param name="prefix">A key prefix (sub-directories) under the root; may be empty.</param>
    public LocalFolderStorage(string rootPath, string prefix)
    {
        if (!Path.IsPathFullyQualified(rootPath))
        {
            throw new ArgumentException($"The local storage path must be absolute, not '{rootPath}'.", nameof(rootPath));
        }

        _root = Path.GetFullPath(rootPath);
        _prefix = prefix;
    }

    public string Description => $"local folder {_root}";

    public async Task<StoredBundleInfo> UploadAsync(BundleUpload upload, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_root))
        {
            throw new ModuleFailedException($"The storage directory {_root} does not exist on this node. Create it (mkdir -p {_root}), mount the disk it lives on, or fix the provider's path.");
        }

        var fullKey = BundleKey.WithPrefix(_prefix, upload.Key);
        var destination = PathFor(fullKey);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        RemoveStalePartials(Path.GetDirectoryName(destination)!, destination);
        var partial = $"{destination}.partial-{Guid.NewGuid():N}";
        long size;
        string sha256;
        try
        {
            await CopyAsync(upload, partial, cancellationToken);
            // Checked under the temporary name, so a bad copy never shows, or replaces a bundle, under the real one.
            (size, sha256) = await DigestAsync(partial, cancellationToken);
            if (size != upload.Size || !string.Equals(sha256, upload.Sha256Hex, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModuleFailedException($"The bundle written to {destination} does not match: {size} bytes with SHA-256 {sha256}, expected {upload.Size} bytes with {upload.Sha256Hex}. The disk may be failing or full.");
            }

            File.Move(partial, destination, overwrite: true);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        return new StoredBundleInfo(fullKey, size, sha256);
    }

    public async Task<StoredBundleInfo> DownloadAsync(BundleDownload download, CancellationToken cancellationToken)
    {
        var source = PathFor(download.FullKey);
        if (!File.Exists(source))
        {
            throw new ModuleFailedException(Directory.Exists(_root)
                ? $"The bundle {download.FullKey} is not in {_root} on this node: it was deleted or moved, or this is not the node that stored it."
                : $"The storage directory {_root} does not exist on this node. Mount the disk it lives on, or run this job on the node that stored the bundle.");
        }

        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var copy = new BundleDownloadFile(download);
        await copy.AppendAsync(input, touch: null, cancellationToken);
        return await copy.FinishAsync();
    }

    public Task DeleteAsync(string fullKey, CancellationToken cancellationToken)
    {
        File.Delete(PathFor(fullKey));
        return Task.CompletedTask;
    }

    /// <summary>How long a copy must have been left unwritten before it counts as a crash's leftover.</summary>
    public static readonly TimeSpan StalePartialAge = TimeSpan.FromDays(1);

    /// <summary>
    /// Removes the copies a crash (kill -9, power loss) left under their temporary names anywhere
    /// below <paramref name="directory"/>, once not written to for <see cref="StalePartialAge"/>: a
    /// copy in progress, however slow, writes far more often than that. Returns what it removed;
    /// a directory that is not there (a NAS not mounted) has none.
    /// </summary>
    public static IReadOnlyList<string> RemoveStalePartials(string directory, DateTimeOffset now)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var removed = new List<string>();
        var found = new DirectoryInfo(directory).EnumerateFiles(PartialPattern, new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true });
        foreach (var file in found.Where(file => now.UtcDateTime - file.LastWriteTimeUtc > StalePartialAge))
        {
            if (TryDelete(file))
            {
                removed.Add(file.FullName);
            }
        }

        return removed;
    }

    private const string PartialPattern = $"*{BundleKey.Extension}.partial-*";

    // Before each copy, in the site's own folder: stale copies (as above), and any earlier copy to
    // this very bundle's key whatever its age: the key is the job's, and this is the job's latest
    // attempt (resumed with the bundle an earlier one left), which writes it anew.
    private static void RemoveStalePartials(string directory, string destination)
    {
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles(PartialPattern))
        {
            if (DateTime.UtcNow - file.LastWriteTimeUtc > StalePartialAge || file.FullName.StartsWith(destination + ".partial-", StringComparison.Ordinal))
            {
                TryDelete(file);
            }
        }
    }

    private static bool TryDelete(FileInfo file)
    {
        try
        {
            file.Delete();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Someone else's to remove; nothing of ours depends on it.
            return false;
        }
    }

    private string PathFor(string fullKey)
    {
        var path = Path.GetFullPath(Path.Combine(_root, fullKey));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The key '{fullKey}' points outside the storage directory.", nameof(fullKey));
        }

        return path;
    }

    // A local folder is often a NAS mount, so the node's upload limit applies here too.
    private static async Task CopyAsync(BundleUpload upload, string destination, CancellationToken cancellationToken)
    {
        await using var input = new FileStream(upload.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
        var buffer = new byte[BufferSize];
        long done = 0;
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (upload.Bandwidth is { } bandwidth)
            {
                await bandwidth.WaitAsync(read, cancellationToken);
            }

            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            done += read;
            upload.Progress?.Report(done);
        }

        // The bundle must be on disk, not in the page cache, before the job says it is stored.
        output.Flush(flushToDisk: true);
    }

    private static async Task<(long Size, string Sha256)> DigestAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return (stream.Length, Convert.ToHexStringLower(hash));
    }
}
