using System.Security.Cryptography;
using Backupd.Bundles.IO;
using ZstdNet;

namespace Backupd.Bundles;

/// <summary>
/// A bundle member written ahead into a file of its own while it is produced (the database dump,
/// beside the files), to join a bundle later with <see cref="BundleWriter.AddSpooledFileAsync"/>.
/// At levels up to <see cref="CompressesUpToLevel"/> it is compressed as it arrives and its zstd
/// frame is later copied into the bundle as it is; above, it is kept raw and compressed with the
/// bundle's own workers when added.
/// </summary>
/// <remarks>
/// The dump used to be compressed only after the last file, while a core waited. Compressed on
/// arrival it takes one thread and its file is a fifth of its size. One thread keeps up with
/// mysqldump (about 120 MB/s here) only at low levels: on SQL, zstd without workers did 205 MB/s at
/// level 3, 170 at 4, 82 at 5 and 34 at 9; slower, it would hold mysqldump (and its snapshot) back.
/// The file is created 0600 (a dump holds password hashes) and its mode, owner and time become the
/// entry's; it is deleted on dispose.
/// </remarks>
public sealed class BundleSpool : WriteOnlyStream
{
    /// <summary>The highest level at which the spool compresses as it goes.</summary>
    public const int CompressesUpToLevel = 4;

    // Few and big: the dump arrives in pieces of a quarter MiB, and each hand-over to the compressing task costs the same.
    private const int PipeDepth = 2;

    private readonly FileStream _file;
    private readonly MeteredWriteStream _fileWrites;
    private readonly CompressionOptions? _options;
    private readonly ZstdFrameSequence? _frames;
    private readonly Stream _sink;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _heldBack = new byte[1];
    private bool _holding;
    private string? _sha256Hex;
    private long _storedLength;
    private bool _disposed;

    private BundleSpool(string path, int compressionLevel, FileStream file)
    {
        Path = path;
        _file = file;
        // Abandoning must not write: ending a zstd frame puts its last bytes on the file.
        _fileWrites = new MeteredWriteStream(file, computeSha256: false);
        if (compressionLevel <= CompressesUpToLevel)
        {
            _options = BundleWriter.CreateZstdOptions(compressionLevel, workers: 1);
            _frames = new ZstdFrameSequence(_fileWrites, _options, BundleWriter.ChunkSize, PipeDepth, BundleWriter.OutputPieceSize);
        }

        _sink = (Stream?)_frames ?? _fileWrites;
    }

    /// <summary>Creates the spool's file, which must not exist yet.</summary>
    /// <param name="path">The file, in a private directory such as the job's work dir.</param>
    /// <param name="compressionLevel">zstd level of the bundle it will join (1 to 19).</param>
    public static BundleSpool Create(string path, int compressionLevel)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(compressionLevel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(compressionLevel, 19);
        var fullPath = System.IO.Path.GetFullPath(path);
        var file = new FileStream(fullPath, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.Read,
            BufferSize = 0,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        try
        {
            return new BundleSpool(fullPath, compressionLevel, file);
        }
        catch
        {
            file.Dispose();
            File.Delete(fullPath);
            throw;
        }
    }

    /// <summary>The spool's file.</summary>
    public string Path { get; }

    /// <summary>Bytes written so far: the member's size once complete.</summary>
    public long ContentLength { get; private set; }

    /// <summary>Whether <see cref="CompleteAsync"/> has finished, so the spool can join a bundle.</summary>
    public bool IsComplete => _sha256Hex is not null;

    /// <summary>Lower-case hex SHA-256 of the member, once complete.</summary>
    public string Sha256Hex => _sha256Hex ?? throw new InvalidOperationException("The spool is not complete yet.");

    /// <summary>Whether the file holds a zstd frame rather than the member itself.</summary>
    internal bool IsCompressed => _frames is not null;

    /// <summary>Size of the file once complete, as it was written.</summary>
    internal long StoredLength => IsComplete ? _storedLength : throw new InvalidOperationException("The spool is not complete yet.");

    /// <summary>
    /// The member's last byte, which a compressed spool keeps out of its frame (empty when the member
    /// is): written after the frame, through the bundle's own compressor, it makes the frame end in
    /// the middle of the entry's data, so a bundle cut right after the frame fails <c>tar -x</c>. Cut
    /// where a tar entry ends, the frames before would read as a whole archive that merely lacks
    /// its last entries, which GNU tar accepts without a word.
    /// </summary>
    internal ReadOnlyMemory<byte> HeldBack => _holding ? _heldBack : ReadOnlyMemory<byte>.Empty;

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Accept(buffer))
        {
            if (_holding)
            {
                _sink.Write(_heldBack);
            }

            _sink.Write(buffer[..^1]);
            HoldBack(buffer[^1]);
        }
        else if (!buffer.IsEmpty)
        {
            _sink.Write(buffer);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Accept(buffer.Span))
        {
            if (_holding)
            {
                await _sink.WriteAsync(_heldBack, cancellationToken).ConfigureAwait(false);
            }

            await _sink.WriteAsync(buffer[..^1], cancellationToken).ConfigureAwait(false);
            HoldBack(buffer.Span[^1]);
        }
        else if (!buffer.IsEmpty)
        {
            await _sink.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
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
        if (_frames is not null)
        {
            await _frames.EndFrameAsync(cancellationToken).ConfigureAwait(false);
        }

        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _storedLength = _file.Length;
        _sha256Hex = Convert.ToHexStringLower(_sha256.GetHashAndReset());
    }

    /// <summary>Stops compressing, closes the file and deletes it.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _fileWrites.Detach();
        try
        {
            if (_frames is not null)
            {
                await _frames.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _options?.Dispose();
            _sha256.Dispose();
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

    /// <summary>Hashes and counts <paramref name="buffer"/>; true when its last byte is to be held back.</summary>
    private bool Accept(ReadOnlySpan<byte> buffer)
    {
        EnsureOpen();
        _sha256.AppendData(buffer);
        ContentLength += buffer.Length;
        return _frames is not null && !buffer.IsEmpty;
    }

    private void HoldBack(byte last)
    {
        _heldBack[0] = last;
        _holding = true;
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
