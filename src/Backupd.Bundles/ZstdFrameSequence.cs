using Backupd.Bundles.IO;
using ZstdNet;

namespace Backupd.Bundles;

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
    private bool _failed;

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!buffer.IsEmpty)
        {
            CurrentFrame().Write(buffer);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        buffer.IsEmpty ? ValueTask.CompletedTask : CurrentFrame().WriteAsync(buffer, cancellationToken);

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

        try
        {
            await _pipe.CompleteAsync(cancellationToken).ConfigureAwait(false);
            // Disposing is how ZstdNet ends a frame; it leaves the destination open.
            await _zstd.DisposeAsync().ConfigureAwait(false);
        }
        catch
        {
            // What is left (a stopped pipe, a compressor mid-frame) is for DisposeAsync to free.
            _failed = true;
            throw;
        }

        await _pipe.DisposeAsync().ConfigureAwait(false);
        _pipe = null;
        _zstd = null;
    }

    /// <summary>Ends the current frame, then copies <paramref name="frames"/> (complete zstd frames, from its position on) to the destination as they are.</summary>
    /// <returns>How many bytes were copied.</returns>
    public async Task<long> AppendFramesAsync(Stream frames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        await EndFrameAsync(cancellationToken).ConfigureAwait(false);
        var start = frames.Position;
        await frames.CopyToAsync(destination, outputPieceSize, cancellationToken).ConfigureAwait(false);
        return frames.Position - start;
    }

    /// <summary>
    /// Stops compressing and frees the compressor. ZstdNet ends a frame still open into the
    /// destination as it does so: a caller abandoning its output detaches it first.
    /// </summary>
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
        if (_failed)
        {
            throw new InvalidOperationException("An earlier frame failed to end; nothing more can be compressed in this sequence.");
        }

        if (_pipe is null)
        {
            _zstd = new CompressionStream(destination, options, outputPieceSize);
            _pipe = new ChunkPipe(_zstd, chunkSize, depth);
        }

        return _pipe;
    }
}
