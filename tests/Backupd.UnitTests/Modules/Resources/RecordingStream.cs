namespace Backupd.Tests.Modules.Resources;

/// <summary>A memory stream that remembers whether it was flushed and disposed, and what it held.</summary>
internal sealed class RecordingStream : MemoryStream
{
    public int Flushes { get; private set; }

    public bool Disposed { get; private set; }

    /// <summary>What the stream held when it was disposed.</summary>
    public byte[] Content { get; private set; } = [];

    public static RecordingStream Containing(byte[] content)
    {
        var stream = new RecordingStream();
        stream.Write(content);
        stream.Position = 0;
        return stream;
    }

    public override void Flush()
    {
        Flushes++;
        base.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        // Not base.FlushAsync: MemoryStream's calls Flush, which would count twice.
        Flushes++;
        return Task.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !Disposed)
        {
            Content = ToArray();
            Disposed = true;
        }

        base.Dispose(disposing);
    }
}
