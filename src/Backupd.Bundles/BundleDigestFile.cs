using System.Text;

namespace Backupd.Bundles;

/// <summary>
/// The digests of a bundle's files, kept in a file instead of memory for a manifest written after
/// the last of them. In memory they cost about a kilobyte a file by the time the manifest is
/// built, which grows a node's memory with the site: 30 MiB for the bench's 31 600 files, far
/// more for a site with hundreds of thousands of uploads. On disk they take about 120 bytes each.
/// </summary>
/// <remarks>
/// Pass <see cref="Add"/> as <see cref="BundleWriterOptions.FileStored"/>; like the writer's own
/// calls, adding and reading must not overlap. The file is deleted on dispose.
/// </remarks>
public sealed class BundleDigestFile : IDisposable, IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly BinaryWriter _writer;
    private bool _disposed;

    private BundleDigestFile(string path)
    {
        Path = path;
        _file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            BufferSize = 64 * 1024,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        _writer = new BinaryWriter(_file, Encoding.UTF8);
    }

    /// <summary>Creates the file, which must not exist yet.</summary>
    /// <param name="path">A file in a private directory, such as the job's work dir.</param>
    public static BundleDigestFile Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new BundleDigestFile(System.IO.Path.GetFullPath(path));
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>How many digests were added.</summary>
    public long Count { get; private set; }

    /// <summary>Appends one digest.</summary>
    public void Add(BundleFileDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Length-prefixed strings: a Linux file name may hold any character but '/' and NUL, newlines included.
        _writer.Write(digest.EntryName);
        _writer.Write(digest.Size);
        _writer.Write(digest.Sha256Hex);
        Count++;
    }

    /// <summary>Every digest added so far, in order, read back one at a time.</summary>
    public IEnumerable<BundleFileDigest> ReadAll()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writer.Flush();
        var count = Count;
        return Read(Path, count);

        static IEnumerable<BundleFileDigest> Read(string path, long count)
        {
            using var reader = new BinaryReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024), Encoding.UTF8);
            for (long i = 0; i < count; i++)
            {
                yield return new BundleFileDigest(reader.ReadString(), reader.ReadInt64(), reader.ReadString());
            }
        }
    }

    /// <summary>Closes the file and deletes it (synchronously: there is at most one buffer to flush).</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the file and deletes it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _writer.Dispose();
        }
        finally
        {
            File.Delete(Path);
        }
    }
}
