using Backupd.Modules.Resources;

namespace Backupd.Tests.Modules.Resources;

public sealed class MallocArenasTests
{
    [Fact]
    public void Glibc_takes_the_arena_cap_unless_MALLOC_ARENA_MAX_already_decides()
    {
        // mallopt answers 1 only when glibc accepted the parameter: a wrong constant or binding fails here.
        var adminChose = Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null;

        Assert.Equal(!adminChose, MallocArenas.Limit(MallocArenas.NodeDefault));
    }

    [Fact]
    public void Fewer_than_one_arena_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MallocArenas.Limit(0));
}
