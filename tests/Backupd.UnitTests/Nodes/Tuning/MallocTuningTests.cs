using Backupd.Node.Tuning;

namespace Backupd.Tests.Nodes.Tuning;

public sealed class MallocTuningTests
{
    // mallopt answers 1 only when glibc accepted the parameter: a wrong constant or binding fails these.
    [Fact]
    public void Glibc_takes_the_arena_cap_unless_MALLOC_ARENA_MAX_already_decides()
    {
        var adminChose = Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null;

        Assert.Equal(!adminChose, MallocTuning.LimitArenas(MallocTuning.NodeArenas));
    }

    [Fact]
    public void Glibc_takes_the_mmap_threshold_unless_MALLOC_MMAP_THRESHOLD_already_decides()
    {
        var adminChose = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null;

        Assert.Equal(!adminChose, MallocTuning.FixMmapThreshold(MallocTuning.NodeMmapThresholdBytes));
    }

    [Fact]
    public void Fewer_than_one_arena_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MallocTuning.LimitArenas(0));

    [Theory]
    [InlineData(0)]
    [InlineData(64 * 1024 * 1024)]
    public void A_threshold_glibc_would_refuse_is_refused_here(int bytes) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MallocTuning.FixMmapThreshold(bytes));
}
