using System.Buffers;
using Backupd.Modules.IO;
using ZstdNet;

namespace Backupd.Modules.Bundles;

/// <summary>
/// Compresses what is written into zstd frames on one destination, and lets frames compressed
/// elsewhere be copied in between them. zstd decodes a run of frames as the concatenation of their
/// content (<c>zstd -d</c>, <c>zstd -t</c> and ZstdSharp all do), so a member compressed while it was
/// still being produced (the database dump) joins the bundle without being compressed again.
/// </summary>
/// <remarks>
/// Writes go through a <see cref="ChunkPipe"/>, so compressing runs on a task of its own. A frame
/// starts with the first write after <see cref="EndFrameAsync"/> and ends at the next one; a frame
/// with nothing in it is never written.
/// </remarks>
internal sealed class ZstdFrameSequence(Stream destination, CompressionOptions options, int chunkSize, int depth, int outputPieceSize)
    : WriteOnlyStream
{
    private CompressionStream? _zstd;
    private ChunkPipe? _pipe;

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => CurrentFrame().Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        CurrentFrame().WriteAsync(buffer, cancellationToken);

    // Only ending the frame puts everything on the destination; see ChunkPipe.
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Compresses what is still waiting and ends the current frame, if one was started.</summary>
    /// <exception cref="Exception">Whatever the compressor or the destination threw; the sequence is then unusable.</exception>
    public async Task EndFrameAsync(CancellationToken cancellationToken)
    {
        if (_pipe is null || _zstd is null)
        {
            return;
        }

        await _pipe.CompleteAsync(cancellationToken).ConfigureAwait(false);
        // Disposing is how ZstdNet ends a frame; it leaves the destination open.
        await _zstd.DisposeAsync().ConfigureAwait(false);
        await _pipe.DisposeAsync().ConfigureAwait(false);
        _pipe = null;
        _zstd = null;
    }

    /// <summary>Ends the current frame, then copies <paramref name="frames"/> (complete zstd frames) to the destination as they are.</summary>
    /// <returns>How many bytes were copied.</returns>
    public async Task<long> AppendFramesAsync(Stream frames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        await EndFrameAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(outputPieceSize);
        long copied = 0;
        try
        {
            int read;
            while ((read = await frames.ReadAsync(buffer.AsMemory(0, outputPieceSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                copied += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return copied;
    }

    /// <summary>Stops compressing and frees the compressor; a frame still open is left unfinished.</summary>
    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (_pipe is not null)
            {
                // Stops the compressing task before the compressor it uses is freed.
                await _pipe.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _pipe = null;
            if (_zstd is not null)
            {
                await _zstd.DisposeAsync().ConfigureAwait(false);
                _zstd = null;
            }
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && (_pipe is not null || _zstd is not null))
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private ChunkPipe CurrentFrame()
    {
        if (_pipe is null)
        {
            _zstd = new CompressionStream(destination, options, outputPieceSize);
            _pipe = new ChunkPipe(_zstd, chunkSize, depth);
        }

        return _pipe;
    }
}
