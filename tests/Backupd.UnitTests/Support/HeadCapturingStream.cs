using Backupd.Bundles.IO;

namespace Backupd.Tests.Bundles;

/// <summary>A write-only sink that keeps the first bytes written and only counts the rest.</summary>
internal sealed class HeadCapturingStream(int headLength) : WriteOnlyStream
{
    private readonly MemoryStream _head = new();

    public long BytesWritten { get; private set; }

    public byte[] Head => _head.ToArray();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var kept = (int)Math.Max(0, Math.Min(buffer.Length, headLength - _head.Length));
        _head.Write(buffer[..kept]);
        BytesWritten += buffer.Length;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _head.Dispose();
        }

        base.Dispose(disposing);
    }
}
