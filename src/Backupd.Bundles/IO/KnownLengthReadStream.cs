namespace Backupd.Bundles.IO;

/// <summary>
/// A stream read once, front to back, whose length is fixed before the first read. It reports
/// <see cref="CanSeek"/> so that readers which size things from <see cref="Length"/> do so:
/// <c>TarWriter</c> writes an entry's header before its data only when the data stream can seek
/// (otherwise it would seek the archive, which a zstd stream cannot). It never actually seeks.
/// </summary>
/// <param name="length">How many bytes the stream yields in all.</param>
public abstract class KnownLengthReadStream(long length) : Stream
{
    private long _position;

    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => true;
    public sealed override bool CanWrite => false;
    public sealed override long Length => length;

    public sealed override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>Bytes not read yet.</summary>
    protected long Remaining => length - _position;

    public override void Flush()
    {
    }

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public sealed override void SetLength(long value) => throw new NotSupportedException();
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Counts <paramref name="count"/> bytes as read.</summary>
    protected void Advance(long count) => _position += count;
}
