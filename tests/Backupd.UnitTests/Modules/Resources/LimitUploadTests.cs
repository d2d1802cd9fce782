using Backupd.Modules.Resources;

namespace Backupd.Tests.Modules.Resources;

public sealed class LimitUploadTests
{
    // Fast enough that these tests do not wait, limited so the throttled path is the one taken.
    private static readonly ResourceLimits FastButLimited = new(1, 1, 800, 1);

    private static byte[] SomeBytes()
    {
        var bytes = new byte[300_000];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task Bytes_written_arrive_unchanged_and_flush_and_dispose_reach_the_target()
    {
        using var manager = new ResourceManager(FastButLimited);
        var content = SomeBytes();
        var target = new RecordingStream();

        await using (var upload = manager.LimitUpload(target))
        {
            await upload.WriteAsync(content.AsMemory(0, 100_000));
            await upload.WriteAsync(content, 100_000, 100_000);
            upload.Write(content, 200_000, 99_999);
            upload.WriteByte(content[^1]);
            await upload.FlushAsync();
            upload.Flush();
            Assert.Equal(2, target.Flushes);
            Assert.False(target.Disposed);
        }

        Assert.True(target.Disposed);
        Assert.Equal(content, target.Content);
    }

    [Fact]
    public async Task Bytes_read_arrive_unchanged_and_dispose_reaches_the_source()
    {
        using var manager = new ResourceManager(FastButLimited);
        var content = SomeBytes();
        var source = RecordingStream.Containing(content);
        var copy = new MemoryStream();

        using (var upload = manager.LimitUpload(source))
        {
            Assert.True(upload.CanRead);
            Assert.Equal(content.Length, upload.Length);
            copy.WriteByte((byte)upload.ReadByte());
            var buffer = new byte[1000];
            copy.Write(buffer, 0, upload.Read(buffer, 0, buffer.Length));
            await upload.CopyToAsync(copy);
            Assert.Equal(-1, upload.ReadByte());
        }

        Assert.True(source.Disposed);
        Assert.Equal(content, copy.ToArray());
    }
}
