using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace Backupd.Modules.WordPress.Dump;

/// <summary>
/// Carries the dump program's stdout into the caller's stream on a thread of its own, in large
/// pieces. mysqldump writes its stdout 4 KiB at a time; read as it comes, with .NET's asynchronous
/// pipe reads, that cost this process 1.4-2.4 s of CPU per 373 MB dump on the bench
/// (<c>ops/bench/wordpress.sh dump</c>), on a par with compressing it, and slowed mysqldump too.
/// Here the pipe is widened to 1 MiB and, after a short read, the relay waits 2 ms so that writes
/// gather: about 2 000 reads instead of 47 000, 0.1 s of CPU, and the dump as fast as into a file.
/// </summary>
internal static class DumpOutputRelay
{
    private const int PipeCapacity = 1 << 20;
    private const int BufferSize = 1 << 20;
    // Writes onward are gathered to at least this much: fewer, bigger writes for the spool, while
    // the rest of the buffer still takes what one read brings.
    private const int HandOverSize = 256 * 1024;
    // At 150 MB/s, 2 ms fills 300 KB of the 1 MiB pipe: mysqldump never waits for room.
    private static readonly TimeSpan GatherWait = TimeSpan.FromMilliseconds(2);
    // How soon a cancelled dump stops waiting for output that does not come.
    private static readonly TimeSpan CancellationCheck = TimeSpan.FromMilliseconds(200);

    /// <summary>Copies <paramref name="standardOutput"/> to <paramref name="output"/> until the program closes it.</summary>
    /// <param name="standardOutput">The program's stdout.</param>
    /// <param name="output">Where the dump goes; written synchronously, from the relay's thread.</param>
    /// <param name="onFirstBytes">Called once, when the first bytes have arrived.</param>
    /// <param name="cancellationToken">Stops the copy within 200 ms, even if the pipe stays open.</param>
    /// <returns>How many bytes were copied.</returns>
    public static Task<long> CopyAsync(Stream standardOutput, Stream output, Action onFirstBytes, CancellationToken cancellationToken) =>
        // Blocking reads on a thread of their own: the wait between reads is the point, and it must not hold a pool thread.
        Task.Factory.StartNew(
            () => Copy(standardOutput, output, onFirstBytes, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private static long Copy(Stream standardOutput, Stream output, Action onFirstBytes, CancellationToken cancellationToken)
    {
        // One descriptor for the whole copy: it is polled before every read.
        PollDescriptor[]? pipe = standardOutput is PipeStream pipeStream
            ? [new PollDescriptor((int)pipeStream.SafePipeHandle.DangerousGetHandle(), PollDescriptor.Readable)]
            : null;
        // Without the wider pipe, waiting would stall mysqldump once its 64 KiB are full: then reads just follow the writes.
        var gather = pipe is not null && TryWiden(pipe[0].Fd);
        var buffer = new byte[BufferSize];
        var filled = 0;
        long total = 0;
        while (true)
        {
            if (pipe is not null)
            {
                WaitUntilReadable(pipe, cancellationToken);
            }

            var read = standardOutput.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                break;
            }

            if (total == 0)
            {
                onFirstBytes();
            }

            total += read;
            filled += read;
            if (filled >= HandOverSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                output.Write(buffer, 0, filled);
                filled = 0;
            }
            else if (gather && read < HandOverSize)
            {
                Thread.Sleep(GatherWait);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (filled > 0)
        {
            output.Write(buffer, 0, filled);
        }

        return total;
    }

    private static bool TryWiden(int fd)
    {
        const int SetPipeSize = 1031; // F_SETPIPE_SZ
        return Native.Fcntl(fd, SetPipeSize, PipeCapacity) >= PipeCapacity;
    }

    /// <summary>
    /// Waits until the pipe has data or has closed, looking at the token in between: a blocking read
    /// could not be cancelled, and a program stuck in the kernel (or a child of it holding the pipe)
    /// would keep it open after it was killed.
    /// </summary>
    private static void WaitUntilReadable(PollDescriptor[] pipe, CancellationToken cancellationToken)
    {
        const int Interrupted = 4;    // EINTR
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ready = Native.Poll(pipe, 1, (int)CancellationCheck.TotalMilliseconds);
            if (ready > 0)
            {
                return;
            }

            if (ready < 0 && Marshal.GetLastPInvokeError() != Interrupted)
            {
                throw new IOException($"Waiting for the dump program's output failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor(int fd, short events)
    {
        public const short Readable = 1;  // POLLIN; a closed pipe reports POLLHUP, which needs no asking

        public int Fd = fd;
        public short Events = events;
        public short ReturnedEvents;
    }

    private static class Native
    {
        // DllImport rather than LibraryImport: plain ints and an array of a blittable struct need no
        // generated marshalling, and the project stays free of unsafe code.
        [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
        public static extern int Fcntl(int fd, int command, int argument);

        [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
        public static extern int Poll([In, Out] PollDescriptor[] descriptors, nuint count, int timeoutMilliseconds);
    }
}
