namespace Backupd.Bundles.IO;

/// <summary>
/// A stream read once, front to back, that cannot seek: the members such a stream refuses are
/// answered once here, and its position is what it has given so far (<see cref="Advance"/>), so
/// its own file holds only the reading.
/// </summary>
public abstract class ReadOnlyStream : Stream
{
    private long _position;

    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => false;
    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    // Abstract again: Stream's own versions of these two call the array ones above, which call
    // these, so a stream that forgot one would call itself until the stack ran out.
    public abstract override int Read(Span<byte> buffer);

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public sealed override void SetLength(long value) => throw new NotSupportedException();
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Counts <paramref name="count"/> bytes as given; returns it.</summary>
    protected int Advance(int count)
    {
        _position += count;
        return count;
    }
}
