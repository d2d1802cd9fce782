namespace Backupd.Tests.Modules.Bundles;

/// <summary>A test that takes over a minute: skipped unless <c>BACKUPD_SLOW_TESTS=1</c>, so the main suite stays fast.</summary>
internal sealed class SlowFactAttribute : FactAttribute
{
    public SlowFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("BACKUPD_SLOW_TESTS") != "1")
        {
            Skip = "Takes over a minute on a 2-core machine; run with BACKUPD_SLOW_TESTS=1.";
        }
    }
}
