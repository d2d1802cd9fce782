using System.Security.Cryptography;
using Backupd.Modules.WordPress.Verification;
using Backupd.Tests.Bundles;

namespace Backupd.Tests.Modules.Verification;

/// <summary>
/// A bundle read while it downloads: the reader gets exactly the bytes written, in order, waiting
/// for the rest as it arrives, reads to the end once the download completes, and stops when the
/// download is abandoned instead of waiting for bytes that will never come.
/// </summary>
public sealed class ArrivingBundleTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_reader_ahead_of_the_download_waits_and_gets_every_byte_in_order()
    {
        var path = _temp.Combine("bundle.tar.zst");
        var data = RandomNumberGenerator.GetBytes(3 << 20);
        await using var arriving = new ArrivingBundle(path);
        var reader = Task.Run(async () =>
        {
            using var copy = new MemoryStream();
            await arriving.CopyToAsync(copy, 64 << 10);
            return copy.ToArray();
        });

        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read))
        {
            for (var written = 0; written < data.Length;)
            {
                var chunk = Math.Min(100_003, data.Length - written);
                await file.WriteAsync(data.AsMemory(written, chunk));
                await file.FlushAsync();
                written += chunk;
                arriving.Arrived(written);
                // The reader has to wait for the next piece now and then.
                await Task.Delay(written % 7 == 0 ? 5 : 0);
            }
        }

        Assert.False(reader.IsCompleted);
        arriving.Complete(data.Length);
        Assert.Equal(data, await reader.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_synchronous_reader_is_given_what_arrived_and_the_end_once_complete()
    {
        var path = _temp.Combine("bundle.tar.zst");
        await File.WriteAllBytesAsync(path, [1, 2, 3, 4, 5]);
        using var arriving = new ArrivingBundle(path);
        arriving.Arrived(3);
        var buffer = new byte[10];

        Assert.Equal(3, arriving.Read(buffer, 0, buffer.Length));
        Assert.Equal([1, 2, 3], buffer[..3]);
        var rest = Task.Run(() => arriving.Read(buffer, 0, buffer.Length));
        await Task.Delay(50);
        Assert.False(rest.IsCompleted);
        arriving.Complete(5);
        Assert.Equal(2, await rest.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, arriving.Read(buffer, 0, buffer.Length));
    }

    [Fact]
    public async Task What_is_awaited_before_reading_the_whole_runs_once_and_only_for_bytes_left_when_the_download_completes()
    {
        var path = _temp.Combine("bundle.tar.zst");
        await File.WriteAllBytesAsync(path, [1, 2, 3, 4, 5, 6]);
        var behind = new List<long>();
        await using var arriving = new ArrivingBundle(path, (left, _) =>
        {
            behind.Add(left);
            return ValueTask.CompletedTask;
        });
        var buffer = new byte[2];
        arriving.Arrived(2);
        Assert.Equal(2, arriving.Read(buffer, 0, buffer.Length));
        Assert.Empty(behind);

        arriving.Complete(6);
        Assert.Equal(2, arriving.Read(buffer, 0, buffer.Length));
        Assert.Equal([4L], behind);
        Assert.Equal(2, await arriving.ReadAsync(buffer));
        Assert.Equal(0, await arriving.ReadAsync(buffer));
        Assert.Equal([4L], behind);

        // A reader that kept up with the download has nothing left to read at its disk's pace.
        var caughtUp = 0;
        await using var following = new ArrivingBundle(path, (_, _) =>
        {
            caughtUp++;
            return ValueTask.CompletedTask;
        });
        following.Arrived(6);
        Assert.Equal(6, await following.ReadAsync(new byte[6]));
        following.Complete(6);
        Assert.Equal(0, await following.ReadAsync(buffer));
        Assert.Equal(0, caughtUp);
    }

    [Fact]
    public async Task A_reader_waiting_for_a_download_that_is_abandoned_stops()
    {
        var path = _temp.Combine("bundle.tar.zst");
        await File.WriteAllBytesAsync(path, [1, 2]);
        await using var arriving = new ArrivingBundle(path);
        arriving.Arrived(2);
        var buffer = new byte[10];
        Assert.Equal(2, await arriving.ReadAsync(buffer));

        var waiting = arriving.ReadAsync(buffer).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        arriving.Abandon();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Throws<OperationCanceledException>(() => arriving.Read(buffer, 0, buffer.Length));
    }
}
