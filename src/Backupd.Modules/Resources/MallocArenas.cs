using System.Runtime.InteropServices;

namespace Backupd.Modules.Resources;

/// <summary>
/// Caps glibc's malloc arenas for the process. glibc gives threads that allocate at once arenas
/// of their own (up to eight per core) and keeps freed memory in them; zstd's workers run on
/// thread-pool threads, so every bundle left some behind and a node's RSS grew job after job
/// (97 to 177 MiB over eight bundles in <c>ops/bench bundle</c>, with the managed heap flat at
/// 45 MiB). With one arena: 85 to 126 MiB over the same eight, a third of that the managed heap,
/// and no slower.
/// </summary>
/// <remarks>
/// The usual fix is the MALLOC_ARENA_MAX environment variable, which must be set before the
/// process starts; mallopt does the same from inside, so the node needs no wrapper script.
/// No library exposes mallopt, hence this one P/Invoke.
/// </remarks>
public static class MallocArenas
{
    /// <summary>
    /// What the node uses. One arena means one lock, but the node's hot allocations are managed;
    /// malloc serves zstd's per-job buffers and the runtime, which do not contend measurably.
    /// </summary>
    public const int NodeDefault = 1;

    // M_ARENA_MAX in glibc's malloc.h.
    private const int ArenaMaxParameter = -8;

    /// <summary>Caps the arenas at <paramref name="arenas"/>, unless MALLOC_ARENA_MAX is set (the admin's choice wins).</summary>
    /// <returns>True when the cap is in force; false when MALLOC_ARENA_MAX decides, or the C library is not glibc.</returns>
    public static bool Limit(int arenas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(arenas, 1);
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null)
        {
            return false;
        }

        try
        {
            return MallOpt(ArenaMaxParameter, arenas) == 1;
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
