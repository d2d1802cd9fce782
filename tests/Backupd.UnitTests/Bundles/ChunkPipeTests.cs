using Backupd.Bundles;
using Backupd.Bundles.IO;

namespace Backupd.Tests.Bundles;

public sealed class ChunkPipeTests
{
    private const int Chunk = 4096;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Everything_written_reaches_the_destination_in_order()
    {
        var data = new byte[10 * Chunk + 123];
        new Random(7).NextBytes(data);
        using var destination = new MemoryStream();
        await using var pipe = new ChunkPipe(destination, Chunk, depth: 2);

        // Pieces smaller than a chunk, across chunk edges, larger than several chunks, and both write paths.
        var offset = 0;
        foreach (var size in new[] { 1, 511, Chunk - 1, 2, 3 * Chunk + 5 })
        {
            await pipe.WriteAsync(data.AsMemory(offset, size));
            offset += size;
        }

        pipe.Write(data, offset, data.Length - offset);
        await pipe.CompleteAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(data, destination.ToArray());
    }

    [Fact]
    public async Task A_slow_destination_holds_the_writer_back_after_a_few_chunks()
    {
        var destination = new GatedStream();
        await using var pipe = new ChunkPipe(destination, Chunk, depth: 2);

        // One chunk at the destination, two waiting, one being filled: the first three writes must
        // go through however slow the machine, and the fifth cannot be handed over. After those
        // three, write until a write has not completed for a while: a slow machine can only stop
        // that loop early, and a pipe that does not hold the writer back lets it run to 20.
        for (var i = 0; i < 3; i++)
        {
            await pipe.WriteAsync(new byte[Chunk]).AsTask().WaitAsync(Patience);
        }

        var written = 3;
        Task write = Task.CompletedTask;
        while (write.IsCompleted && written < 20)
        {
            write = pipe.WriteAsync(new byte[Chunk]).AsTask();
            written++;
            await Task.WhenAny(write, Task.Delay(TimeSpan.FromMilliseconds(500)));
        }

        Assert.InRange(written, 4, 5);

        destination.Open();
        await write.WaitAsync(Patience);
        await pipe.CompleteAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(written * (long)Chunk, destination.BytesWritten);
    }

    [Fact]
    public async Task A_destination_failure_reaches_the_writer_with_its_own_exception()
    {
        await using var pipe = new ChunkPipe(new FailingStream(), Chunk, depth: 2);

        var failure = await Assert.ThrowsAsync<IOException>(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await pipe.WriteAsync(new byte[Chunk]).AsTask().WaitAsync(Patience);
            }

            await pipe.CompleteAsync(CancellationToken.None).WaitAsync(Patience);
        });

        Assert.Equal("No space left on device", failure.Message);
    }

    [Fact]
    public async Task Disposing_without_completing_stops_a_stuck_destination()
    {
        var destination = new GatedStream();
        var pipe = new ChunkPipe(destination, Chunk, depth: 2);
        await pipe.WriteAsync(new byte[2 * Chunk]);
        await destination.WriteStarted.WaitAsync(Patience);

        await pipe.DisposeAsync().AsTask().WaitAsync(Patience);

        Assert.True(destination.SawCancellation, "the destination's write should have been cancelled");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pipe.WriteAsync(new byte[1]).AsTask());
    }

    /// <summary>Accepts writes only once opened; until then each write waits (or is cancelled).</summary>
    private sealed class GatedStream : SyncOverAsyncStream
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _writeStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task WriteStarted => _writeStarted.Task;

        public long BytesWritten { get; private set; }

        public bool SawCancellation { get; private set; }

        public void Open() => _open.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _writeStarted.TrySetResult();
            try
            {
                await _open.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                SawCancellation = true;
                throw;
            }

            BytesWritten += buffer.Length;
        }
    }

    private sealed class FailingStream : SyncOverAsyncStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("No space left on device"));
    }

    private abstract class SyncOverAsyncStream : WriteOnlyStream
    {
        public override void Flush()
        {
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }
}
