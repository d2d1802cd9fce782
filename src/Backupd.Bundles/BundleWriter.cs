using System.Formats.Tar;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using ZstdNet;

namespace Backupd.Bundles;

/// <summary>
/// Writes a bundle: one <c>.tar.zst</c> (a PAX tar compressed with zstd, readable with
/// <c>zstd -d &lt; bundle | tar -x</c>) in a single streaming pass. Each source file is read once,
/// hashed while it streams into the tar; the output's size and SHA-256 are taken as it is written.
/// Memory stays bounded whatever the file sizes: a few 1 MiB chunks plus zstd's window and job buffers.
/// </summary>
/// <remarks>
/// Calls must not overlap. If an entry fails half-written (I/O error, cancellation), the bundle is
/// unusable and every later call throws; a failure before an entry starts (missing file, bad
/// name, cancellation between entries) leaves it usable. Disposing without
/// <see cref="CompleteAsync"/> abandons the bundle: the output then holds an unusable prefix.
/// </remarks>
public sealed class BundleWriter : IAsyncDisposable
{
    // Big enough that per-call costs (syscalls, thread-pool hops, zstd calls) vanish next to the copying.
    internal const int ChunkSize = 1 << 20;

    // The compressed output is written in pieces of this size, as the zstd CLI writes its own.
    // Writing 1 MiB at a time cost the kernel about 2 s more per 590 MiB of output on the bundle
    // bench (copy_folio_from_iter_atomic, on the 6.18 kernel here): big writes get big page-cache
    // folios, whose memory was slow to touch the first time in this VM. At 128 KiB the bundle
    // stage's system time fell from 2.0-3.4 s to 0.8-0.9 s, while 4 700 writes per 590 MiB cost nothing
    // measurable.
    internal const int OutputPieceSize = 128 * 1024;

    // With workers, zstd splits the input into jobs of four windows each (8 MiB at level 3) and
    // holds about five jobs' input and four jobs' output at once: about 80 MiB of native memory
    // with two workers, which took the node's peak RSS in a WordPress job to 245-261 MiB on the
    // bench. 4 MiB jobs halve that (peak 196 MiB) and compressed as fast and a little smaller
    // (619.65 against 619.69 MB on the bench's tree); 2 MiB jobs saved another 20 MiB but re-read
    // a larger share of history per job. Levels up to 7 have windows of at most 2 MiB; above that
    // a small job would re-read more history than it compresses, so those levels keep zstd's own size.
    private const int SmallJobBytes = 4 << 20;
    private const int SmallJobsUpToLevel = 7;

    // Full chunks waiting for the compressor: enough to ride out one slow file open or zstd stall,
    // few enough that memory stays a few MiB.
    private const int PipeDepth = 2;

    private static readonly LinuxFileStatus AddedBytesStatus = new(
        LinuxFileKind.RegularFile,
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        0, DateTimeOffset.UnixEpoch, 0, 0);

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly TimeProvider _time;
    private readonly MeteredWriteStream _compressed;
    private readonly CompressionOptions _zstdOptions;
    private readonly ZstdFrameSequence _frames;
    private readonly MeteredWriteStream _uncompressed;
    private readonly TarWriter _tar;
    private readonly byte[] _chunk = new byte[ChunkSize];
    private readonly List<BundleFileDigest> _files = [];
    private readonly List<(string Name, long Offset)> _indexed = [];
    private readonly Action<BundleFileDigest> _fileStored;

    /// <summary>
    /// The regular files added so far, in order, with their sizes and hashes (what a manifest lists);
    /// empty when <see cref="BundleWriterOptions.FileStored"/> takes them instead.
    /// </summary>
    public IReadOnlyList<BundleFileDigest> Files => _files;
    private State _state;
    private int _callInProgress;

    /// <summary>Starts a bundle on <paramref name="output"/>; nothing is written until the first entry.</summary>
    /// <param name="output">Where the <c>.tar.zst</c> goes, usually a new <see cref="FileStream"/>.</param>
    /// <param name="options">Compression level and workers.</param>
    /// <param name="leaveOpen">False to dispose <paramref name="output"/> with this writer.</param>
    public BundleWriter(Stream output, BundleWriterOptions options, bool leaveOpen = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The bundle output must be writable.", nameof(output));
        }

        _output = output;
        _leaveOpen = leaveOpen;
        _time = options.TimeProvider;
        _fileStored = options.FileStored ?? _files.Add;
        _compressed = new MeteredWriteStream(output, computeSha256: true);
        _zstdOptions = CreateZstdOptions(options.CompressionLevel, options.Workers);

        // TarWriter writes headers and padding in pieces of a few hundred bytes; each zstd call has a
        // fixed cost (more so with workers), so they are gathered into chunks first, and the chunks
        // are compressed on a task of their own while the next files are read and hashed.
        _frames = new ZstdFrameSequence(_compressed, _zstdOptions, ChunkSize, PipeDepth, OutputPieceSize);
        _uncompressed = new MeteredWriteStream(_frames, computeSha256: false);
        _tar = new TarWriter(_uncompressed, TarEntryFormat.Pax, leaveOpen: true);
    }

    /// <summary>
    /// Creates a new file for a bundle's output, unbuffered: the writer already hands over pieces of
    /// 128 KiB, and a FileStream buffer on top copied each of them once more before the kernel
    /// copied it again. On the bundle bench (<c>ops/bench/wordpress.sh bundle</c>) that buffer made
    /// writing to a file cost about 1 s more than writing to /dev/null for 434 MiB of input;
    /// unbuffered, the bundle there is level with <c>tar | zstd</c>.
    /// </summary>
    /// <param name="path">The new file; it must not exist yet.</param>
    /// <returns>The open file, readable by others while it is written.</returns>
    public static FileStream CreateFile(string path) =>
        new(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);

    /// <summary>The compressor settings for a bundle's frames, and for frames spliced into one (<see cref="BundleSpool"/>).</summary>
    internal static CompressionOptions CreateZstdOptions(int compressionLevel, int workers)
    {
        // A checksum in the frame, as the zstd CLI writes by default, so `zstd -d` and `zstd -t` detect corruption.
        var parameters = new Dictionary<ZSTD_cParameter, int> { [ZSTD_cParameter.ZSTD_c_checksumFlag] = 1 };
        if (workers > 1)
        {
            parameters[ZSTD_cParameter.ZSTD_c_nbWorkers] = workers;
            if (compressionLevel <= SmallJobsUpToLevel)
            {
                parameters[ZSTD_cParameter.ZSTD_c_jobSize] = SmallJobBytes;
            }
        }

        return new CompressionOptions(null, parameters, compressionLevel);
    }

    private enum State
    {
        Open,
        Broken,
        Completed,
        Disposed,
    }

    /// <summary>Adds one regular file from disk (following a symbolic link at <paramref name="sourcePath"/>), keeping its mode, owner and modification time.</summary>
    /// <param name="sourcePath">The file on disk.</param>
    /// <param name="entryName">Its path in the bundle: relative, forward slashes.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>The size and SHA-256 of what was stored.</returns>
    /// <exception cref="BundleSourceException">The file is missing, unreadable, not a regular file, or shrank while read.</exception>
    public async Task<BundleFileDigest> AddFileAsync(string sourcePath, string entryName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        BundleEntryNames.Validate(entryName, nameof(entryName));
        using var call = BeginCall();
        var status = LinuxFileStatus.Of(sourcePath, followSymlinks: true);
        if (status.Kind != LinuxFileKind.RegularFile)
        {
            throw new BundleSourceException(sourcePath, new IOException($"it is a {status.Kind}, not a regular file"));
        }

        return await WriteFileAsync(sourcePath, entryName, status, progress: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds bytes as a regular file (mode 0644, modified now), e.g. a manifest.</summary>
    /// <param name="entryName">Its path in the bundle: relative, forward slashes.</param>
    /// <param name="content">The file's content.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The size and SHA-256 of <paramref name="content"/>.</returns>
    public async Task<BundleFileDigest> AddBytesAsync(string entryName, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        BundleEntryNames.Validate(entryName, nameof(entryName));
        using var call = BeginCall();
        cancellationToken.ThrowIfCancellationRequested();
        var status = AddedBytesStatus with { Size = content.Length, ModificationTime = _time.GetUtcNow() };
        await using var data = new MemoryStream(content.ToArray(), writable: false);
        await WriteEntryAsync(BundleTarEntries.RegularFile(entryName, status, data), cancellationToken).ConfigureAwait(false);
        var digest = new BundleFileDigest(entryName, content.Length, Convert.ToHexStringLower(SHA256.HashData(content.Span)));
        _fileStored(digest);
        return digest;
    }

    /// <summary>
    /// Adds a directory tree under <paramref name="entryPrefix"/> in ordinal name order. Symbolic links
    /// are stored as links and never followed; directories (empty ones too) keep their mode and time;
    /// FIFOs, sockets and devices are skipped and listed in the summary. An unreadable file fails the call.
    /// </summary>
    /// <param name="rootPath">The tree's root directory (a symbolic link here is followed only as <see cref="HeldDirectory.MayFollow"/> allows: to a directory of the owner of the directory holding it, or where only root may write).</param>
    /// <param name="entryPrefix">Path of the root in the bundle, e.g. <c>wp-content</c>; empty for the bundle's top level.</param>
    /// <param name="exclude">Glob patterns relative to the root: <c>*</c>, <c>?</c>, <c>**</c>; one without a slash matches a name at any depth. An excluded directory is not descended.</param>
    /// <param name="progress">Receives counts at most every 250 ms and once at the end.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <returns>What was stored and what was skipped.</returns>
    /// <exception cref="BundleSourceException">A file or directory could not be read; the message names it.</exception>
    public async Task<BundleTreeSummary> AddTreeAsync(
        string rootPath, string entryPrefix, IReadOnlyList<string> exclude, IProgress<BundleProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootPath);
        BundleEntryNames.Validate(entryPrefix, nameof(entryPrefix), allowEmpty: true);
        var filter = BundleExcludeFilter.Parse(exclude, nameof(exclude));
        using var call = BeginCall();
        var walker = new BundleTreeWalker(this, entryPrefix, filter, new TreeProgress(progress, _time));
        return await walker.WalkAsync(rootPath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds a completed <see cref="BundleSpool"/> as a regular file with the spool file's mode, owner
    /// and time. A compressed spool's header goes through the tar as usual, then its zstd frame is
    /// copied onto the output as it is, between this bundle's own frames, and its held-back last byte
    /// follows through the compressor; a raw spool is added like any file.
    /// </summary>
    /// <param name="spool">The member; it must be complete.</param>
    /// <param name="entryName">Its path in the bundle: relative, forward slashes.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>The size and SHA-256 of the member, as the spool took them while it was written.</returns>
    /// <exception cref="BundleSourceException">The spool's file is gone, unreadable or not what was written.</exception>
    public async Task<BundleFileDigest> AddSpooledFileAsync(BundleSpool spool, string entryName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spool);
        BundleEntryNames.Validate(entryName, nameof(entryName));
        if (!spool.IsComplete)
        {
            throw new InvalidOperationException("Complete the spool before adding it to a bundle.");
        }

        using var call = BeginCall();
        // A spooled member (the dump) starts a frame of its own, listed in the bundle's index, so a
        // restore goes straight to it instead of decoding every file before it.
        try
        {
            await _frames.EndFrameAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _state = State.Broken;
            throw;
        }

        _indexed.Add((entryName, _compressed.BytesWritten));
        var status = LinuxFileStatus.Of(spool.Path, followSymlinks: false);
        if (!spool.IsCompressed)
        {
            var stored = await WriteFileAsync(spool.Path, entryName, status, progress: null, cancellationToken).ConfigureAwait(false);
            return stored.Size == spool.ContentLength && stored.Sha256Hex == spool.Sha256Hex
                ? stored
                : throw SpoolChanged(spool, $"{stored.Size} bytes with SHA-256 {stored.Sha256Hex} read, {spool.ContentLength} with {spool.Sha256Hex} written");
        }

        await using var frames = new FileStream(OpenSource(spool.Path), FileAccess.Read, bufferSize: 0);
        var content = new SplicedContent(spool.ContentLength, async (destination, ct) =>
        {
            var copied = await _frames.AppendFramesAsync(frames, ct).ConfigureAwait(false);
            if (copied != spool.StoredLength)
            {
                throw SpoolChanged(spool, $"{copied} bytes read, {spool.StoredLength} written");
            }

            _uncompressed.CountWrittenElsewhere(spool.ContentLength - spool.HeldBack.Length);
            await destination.WriteAsync(spool.HeldBack, ct).ConfigureAwait(false);
        });
        await WriteEntryAsync(BundleTarEntries.RegularFile(entryName, status, content), cancellationToken).ConfigureAwait(false);
        if (!content.Spliced)
        {
            _state = State.Broken;
            throw new InvalidOperationException("The tar writer did not copy the spooled entry's content, so its frames are missing from the bundle.");
        }

        var digest = new BundleFileDigest(entryName, spool.ContentLength, spool.Sha256Hex);
        _fileStored(digest);
        return digest;
    }

    private BundleSourceException SpoolChanged(BundleSpool spool, string detail)
    {
        _state = State.Broken;
        return new BundleSourceException(spool.Path, new IOException($"the spool file changed after it was written: {detail}"));
    }

    /// <summary>Ends the tar and the zstd frame, writes the index of spooled members (<see cref="BundleIndex"/>), and flushes the output.</summary>
    /// <param name="cancellationToken">Cancels the final flush.</param>
    /// <returns>Sizes and SHA-256 of the bundle, and the digest of every file in it.</returns>
    public async Task<BundleResult> CompleteAsync(CancellationToken cancellationToken)
    {
        using var call = BeginCall();
        try
        {
            await _tar.DisposeAsync().ConfigureAwait(false);
            await _frames.EndFrameAsync(cancellationToken).ConfigureAwait(false);
            if (_indexed.Count > 0)
            {
                await _compressed.WriteAsync(BundleIndex.Frame(_indexed), cancellationToken).ConfigureAwait(false);
            }

            await _compressed.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _state = State.Broken;
            throw;
        }

        _state = State.Completed;
        return new BundleResult(_compressed.BytesWritten, _compressed.FinishSha256Hex(), _uncompressed.BytesWritten, _files.AsReadOnly());
    }

    /// <summary>Releases the compressor; without a prior <see cref="CompleteAsync"/> this abandons the bundle.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_state == State.Disposed)
        {
            return;
        }

        var abandoned = _state != State.Completed;
        _state = State.Disposed;
        try
        {
            if (abandoned)
            {
                // Closing the tar and the frame still pushes bytes down; they must not reach an abandoned output.
                _compressed.Detach();
                try
                {
                    await _tar.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
                {
                    // The tar's closing records were going nowhere; a pipe that stopped when the entry failed refuses them.
                }
            }

            await _frames.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _zstdOptions.Dispose();
            await _uncompressed.DisposeAsync().ConfigureAwait(false);
            await _compressed.DisposeAsync().ConfigureAwait(false);
            if (!_leaveOpen)
            {
                await _output.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    internal async Task<BundleFileDigest> WriteFileAsync(
        string sourcePath, string entryName, LinuxFileStatus status, TreeProgress? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var file = OpenSource(sourcePath);
        return await WriteFileAsync(file, sourcePath, entryName, status, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the open file <paramref name="file"/> (<paramref name="sourcePath"/> in messages) as <paramref name="entryName"/>.</summary>
    internal async Task<BundleFileDigest> WriteFileAsync(
        SafeFileHandle file, string sourcePath, string entryName, LinuxFileStatus status, TreeProgress? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // The size of the open file, not the walk's earlier lstat: it is what will be read.
        var length = RandomAccess.GetLength(file);
        Action<int>? onChunkRead = progress is null ? null : progress.Read;
        await using var content = new HashingFileContent(file, sourcePath, length, _chunk, onChunkRead);
        await WriteEntryAsync(BundleTarEntries.RegularFile(entryName, status, content), cancellationToken).ConfigureAwait(false);
        var digest = new BundleFileDigest(entryName, length, content.FinishSha256Hex());
        _fileStored(digest);
        return digest;
    }

    internal Task WriteDirectoryAsync(string entryName, LinuxFileStatus status, CancellationToken cancellationToken) =>
        WriteEntryAsync(BundleTarEntries.Directory(entryName, status), cancellationToken);

    internal Task WriteSymbolicLinkAsync(string entryName, string target, LinuxFileStatus status, CancellationToken cancellationToken) =>
        WriteEntryAsync(BundleTarEntries.SymbolicLink(entryName, target, status), cancellationToken);

    private async Task WriteEntryAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await _tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Part of the entry may already be in the tar: nothing after it could be read back.
            _state = State.Broken;
            throw;
        }
    }

    private static SafeFileHandle OpenSource(string sourcePath)
    {
        try
        {
            // No lock (FileShare.ReadWrite | Delete): a live site keeps writing while it is backed up.
            return File.OpenHandle(sourcePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BundleSourceException(sourcePath, e);
        }
    }

    private CallScope BeginCall()
    {
        var problem = _state switch
        {
            State.Broken => "an earlier entry failed half-written, so the bundle is unusable",
            State.Completed => "the bundle is already complete",
            State.Disposed => "the writer is disposed",
            _ => null,
        };
        if (problem is not null)
        {
            throw new InvalidOperationException($"Cannot write to this bundle: {problem}.");
        }

        if (Interlocked.Exchange(ref _callInProgress, 1) != 0)
        {
            throw new InvalidOperationException("Cannot write to this bundle: another call on it has not finished; calls must not overlap.");
        }

        return new CallScope(this);
    }

    private readonly struct CallScope(BundleWriter writer) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref writer._callInProgress, 0);
    }
}
