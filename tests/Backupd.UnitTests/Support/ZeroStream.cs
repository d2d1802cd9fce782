using Backupd.Bundles.IO;

namespace Backupd.Tests.Modules;

/// <summary>
/// A seekable-looking stream of <c>length</c> zero bytes that exists nowhere: big bundle entries
/// without disk, or (with <see cref="long.MaxValue"/>) an upload source that never runs dry.
/// </summary>
internal sealed class ZeroStream(long length) : KnownLengthReadStream(length)
{

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, Remaining);
        buffer[..count].Clear();
        Advance(count);
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));
}
