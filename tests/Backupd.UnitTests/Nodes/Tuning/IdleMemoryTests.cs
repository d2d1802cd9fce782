using Backupd.Node.Tuning;

namespace Backupd.Tests.Nodes.Tuning;

public sealed class IdleMemoryTests
{
    [Fact]
    public void Release_runs_a_full_compacting_collection()
    {
        var before = GC.GetGCMemoryInfo(GCKind.FullBlocking).Index;

        IdleMemory.Release();

        var after = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        Assert.True(after.Index > before, "no full blocking collection ran");
        Assert.Equal(GC.MaxGeneration, after.Generation);
        Assert.True(after.Compacted, "the collection did not compact, so free space stays committed");
    }
}
