using Backupd.Modules.WordPress;

namespace Backupd.Tests.Modules.WordPress;

public sealed class FreeSpaceCheckTests
{
    [Fact]
    public void Too_little_space_fails_naming_the_figures_and_the_fix()
    {
        var problem = FreeSpaceCheck.Shortfall("/var/lib/backupd/work/j1", free: 500L << 20, databaseBytes: 300L << 20, contentBytes: 400L << 20);

        Assert.NotNull(problem);
        Assert.Contains("/var/lib/backupd/work/j1", problem, StringComparison.Ordinal);
        Assert.Contains("500.0 MiB free", problem, StringComparison.Ordinal);
        Assert.Contains("764.0 MiB", problem, StringComparison.Ordinal);
        Assert.Contains("database about 300.0 MiB", problem, StringComparison.Ordinal);
        Assert.Contains("wp-content 400.0 MiB", problem, StringComparison.Ordinal);
        Assert.Contains("BACKUPD_DATA_DIR", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Enough_space_passes()
    {
        Assert.Null(FreeSpaceCheck.Shortfall("/w", free: 2L << 30, databaseBytes: 300L << 20, contentBytes: 400L << 20));
    }
}
