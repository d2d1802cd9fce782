using Backupd.Modules.IO;
using ZstdNet;

namespace Backupd.Modules.Bundles;

/// <summary>
/// A bundle member that is compressed while it is still being produced, into a file of its own,
/// and later joins a bundle as it is (<see cref="BundleWriter.AddSpooledFileAsync"/>) instead of
/// being written out whole, read back and compressed at the end.
/// </summary>
/// <remarks>
/// Made for the database dump: it arrives slowly, beside the files, and used to be compressed only
/// after the last file, while a core waited. Compressing it on arrival takes one thread (zstd without
/// workers is several times faster than mysqldump produces SQL at level 3), its file is a fifth of the
/// dump's size, and only the ready frame is copied into the bundle. The file is created 0600 (a dump
/// holds password hashes) and its mode, owner and time become the entry's; it is deleted on dispose.
/// </remarks>
public sealed class CompressedSpool : WriteOnlyStream
{
    // Few and big: the dump arrives in pipe-sized pieces, and each hand-over to the compressing task costs the same.
    private const int PipeDepth = 2;

    private readonly FileStream _file;
    private readonly CompressionOptions _options;
    private readonly ZstdFrameSequence _frames;
    private readonly MeteredWriteStream _content;
    private string? _sha256Hex;
    private long _compressedLength;
    private bool _disposed;

    private CompressedSpool(string path, int compressionLevel)
    {
        Path = path;
        _file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.Read,
            BufferSize = 0,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        _options = new CompressionOptions(null, new Dictionary<ZSTD_cParameter, int> { [ZSTD_cParameter.ZSTD_c_checksumFlag] = 1 }, compressionLevel);
        _frames = new ZstdFrameSequence(_file, _options, BundleWriter.ChunkSize, PipeDepth, BundleWriter.OutputPieceSize);
        _content = new MeteredWriteStream(_frames, computeSha256: true);
    }

    /// <summary>Creates the spool's file, which must not exist yet.</summary>
    /// <param name="path">The file, in a private directory such as the job's work dir.</param>
    /// <param name="compressionLevel">zstd level, as the bundle's (1 to 19).</param>
    public static CompressedSpool Create(string path, int compressionLevel)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(compressionLevel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(compressionLevel, 19);
        return new CompressedSpool(System.IO.Path.GetFullPath(path), compressionLevel);
    }

    /// <summary>The spool's file.</summary>
    public string Path { get; }

    /// <summary>Bytes written so far: the member's size once complete.</summary>
    public long ContentLength => _content.BytesWritten;

    /// <summary>Whether <see cref="CompleteAsync"/> has finished, so the spool can join a bundle.</summary>
    public bool IsComplete => _sha256Hex is not null;

    /// <summary>Lower-case hex SHA-256 of the member, once complete.</summary>
    public string Sha256Hex => _sha256Hex ?? throw new InvalidOperationException("The spool is not complete yet.");

    /// <summary>Size of the compressed frame in the file, once complete.</summary>
    internal long CompressedLength => IsComplete ? _compressedLength : throw new InvalidOperationException("The spool is not complete yet.");

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureOpen();
        _content.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        return _content.WriteAsync(buffer, cancellationToken);
    }

    // What is written is only safe in the file once CompleteAsync has ended the frame.
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Compresses what is still waiting, ends the frame and flushes the file; nothing may be written after.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        EnsureOpen();
        await _frames.EndFrameAsync(cancellationToken).ConfigureAwait(false);
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _compressedLength = _file.Length;
        _sha256Hex = _content.FinishSha256Hex();
    }

    /// <summary>Opens the compressed frame for reading from its start.</summary>
    internal FileStream OpenCompressed() =>
        new(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);

    /// <summary>Stops compressing, closes the file and deletes it.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await _frames.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _options.Dispose();
            await _content.DisposeAsync().ConfigureAwait(false);
            await _file.DisposeAsync().ConfigureAwait(false);
            File.Delete(Path);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private void EnsureOpen()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsComplete)
        {
            throw new InvalidOperationException("The spool is complete: nothing more can be written to it.");
        }
    }
}
