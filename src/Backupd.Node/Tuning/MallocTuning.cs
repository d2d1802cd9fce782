using System.Runtime.InteropServices;

namespace Backupd.Node.Tuning;

/// <summary>
/// Keeps glibc's malloc from holding on to what zstd frees, so a node's RSS stays flat job after
/// job. zstd's buffers (a few MiB per job and worker) are the node's only large native allocations.
/// </summary>
/// <remarks>
/// <para>
/// Two habits of glibc each made the node creep. It gives threads that allocate at once arenas of
/// their own (up to eight per core) and keeps freed memory in them: 97 to 177 MiB over eight
/// bundles in <c>ops/bench bundle</c>, with the managed heap flat at 45 MiB. And once a large
/// block served by mmap is freed, it raises its mmap threshold (up to 32 MiB), so the next job's
/// buffers come from the heap and stay there when freed: 92 to 179 MiB over five bundles with one
/// arena. One arena and a fixed threshold keep the same runs at 92 to 103 MiB, no slower.
/// </para>
/// <para>
/// The usual fixes are the MALLOC_ARENA_MAX and MALLOC_MMAP_THRESHOLD_ environment variables,
/// which must be set before the process starts; mallopt does the same from inside, so the node
/// needs no wrapper script. No library exposes mallopt, hence this one P/Invoke.
/// </para>
/// </remarks>
public static class MallocTuning
{
    /// <summary>
    /// The node's arena count. One arena means one lock, but the node's hot allocations are
    /// managed; malloc serves zstd's per-job buffers and the runtime, which do not contend measurably.
    /// </summary>
    public const int NodeArenas = 1;

    /// <summary>
    /// The node's mmap threshold: blocks from 256 KiB up are mapped on their own and returned to the
    /// system when freed. That is glibc's own starting threshold (128 KiB) doubled, well below zstd's buffers.
    /// </summary>
    public const int NodeMmapThresholdBytes = 256 * 1024;

    // M_MMAP_THRESHOLD and M_ARENA_MAX in glibc's malloc.h.
    private const int MmapThresholdParameter = -3;
    private const int ArenaMaxParameter = -8;

    /// <summary>Applies the node's settings: <see cref="NodeArenas"/> and <see cref="NodeMmapThresholdBytes"/>.</summary>
    public static void ApplyNodeDefaults()
    {
        LimitArenas(NodeArenas);
        FixMmapThreshold(NodeMmapThresholdBytes);
    }

    /// <summary>Caps the arenas at <paramref name="arenas"/>, unless MALLOC_ARENA_MAX is set (the admin's choice wins).</summary>
    /// <returns>True when the cap is in force; false when MALLOC_ARENA_MAX decides, or the C library is not glibc.</returns>
    public static bool LimitArenas(int arenas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(arenas, 1);
        return Set("MALLOC_ARENA_MAX", ArenaMaxParameter, arenas);
    }

    /// <summary>
    /// Fixes the mmap threshold at <paramref name="bytes"/>, which also stops glibc from raising it,
    /// unless MALLOC_MMAP_THRESHOLD_ is set (the admin's choice wins).
    /// </summary>
    /// <returns>True when the threshold is in force; false when MALLOC_MMAP_THRESHOLD_ decides, or the C library is not glibc.</returns>
    public static bool FixMmapThreshold(int bytes)
    {
        // glibc refuses thresholds above 32 MiB (HEAP_MAX_SIZE / 2 on 64-bit).
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 4096);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, 32 * 1024 * 1024);
        return Set("MALLOC_MMAP_THRESHOLD_", MmapThresholdParameter, bytes);
    }

    private static bool Set(string environmentVariable, int parameter, int value)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(environmentVariable) is not null)
        {
            return false;
        }

        try
        {
            return MallOpt(parameter, value) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    // DllImport rather than LibraryImport: two ints need no marshalling, and the project stays free of unsafe code.
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);
}
