using System.Diagnostics;
using System.Text;
using Backupd.Bundles.IO;
using Backupd.Modules.WordPress.Dump;

namespace Backupd.Tests.Modules.WordPress;

/// <summary>The relay from a real program's stdout pipe, fed in small pieces and in bursts, as mysqldump feeds it.</summary>
public sealed class DumpOutputRelayTests
{
    [Fact]
    public async Task Output_written_in_small_pieces_with_pauses_arrives_whole_and_in_order()
    {
        // seq writes through stdio in 4 KiB pieces, like mysqldump; the pauses leave the pipe empty now and then.
        using var program = Start("seq 1 300000; sleep 0.05; seq 300001 600000; sleep 0.01; printf tail");
        using var output = new MemoryStream();
        var firstBytes = 0;

        var copied = await DumpOutputRelay.CopyAsync(program.StandardOutput.BaseStream, output, () => firstBytes++, CancellationToken.None);

        var expected = string.Concat(Enumerable.Range(1, 600_000).Select(i => i + "\n")) + "tail";
        Assert.Equal(Encoding.ASCII.GetByteCount(expected), copied);
        Assert.Equal(expected, Encoding.ASCII.GetString(output.ToArray()));
        Assert.Equal(1, firstBytes);
    }

    [Fact]
    public async Task A_program_that_writes_nothing_copies_nothing_and_never_reports_first_bytes()
    {
        using var program = Start("true");
        using var output = new MemoryStream();
        var firstBytes = 0;

        var copied = await DumpOutputRelay.CopyAsync(program.StandardOutput.BaseStream, output, () => firstBytes++, CancellationToken.None);

        Assert.Equal((0L, 0L, 0), (copied, output.Length, firstBytes));
    }

    [Fact]
    public async Task A_failing_destination_fails_the_copy_with_its_own_error()
    {
        using var program = Start("seq 1 1000000");
        try
        {
            var error = await Assert.ThrowsAsync<IOException>(() =>
                DumpOutputRelay.CopyAsync(program.StandardOutput.BaseStream, new FullDisk(), () => { }, CancellationToken.None));

            Assert.Equal("No space left on device", error.Message);
        }
        finally
        {
            program.Kill();
        }
    }

    [Fact]
    public async Task A_stream_that_is_not_a_pipe_is_copied_whole_too()
    {
        var content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 200_000).Select(i => i + ";\n")));
        using var output = new MemoryStream();

        var copied = await DumpOutputRelay.CopyAsync(new MemoryStream(content), output, () => { }, CancellationToken.None);

        Assert.Equal(content.Length, copied);
        Assert.Equal(content, output.ToArray());
    }

    [Fact]
    public async Task Cancelling_stops_the_copy_although_the_pipe_stays_open()
    {
        // Nothing is written and the pipe stays open: a blocking read would never return.
        using var program = Start("sleep 30 & wait");
        using var cancel = new CancellationTokenSource();
        try
        {
            var copy = DumpOutputRelay.CopyAsync(program.StandardOutput.BaseStream, Stream.Null, () => { }, cancel.Token);
            await Task.Delay(300);
            Assert.False(copy.IsCompleted);

            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => copy.WaitAsync(TimeSpan.FromSeconds(5)));
        }
        finally
        {
            program.Kill(entireProcessTree: true);
        }
    }

    private static Process Start(string script)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return Process.Start(start)!;
    }

    private sealed class FullDisk : WriteOnlyStream
    {
        public override void Flush()
        {
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device");
    }
}
