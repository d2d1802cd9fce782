using Backupd.Bundles;

namespace Backupd.Tests.Bundles;

public sealed class BundleExcludeFilterTests
{
    [Theory]
    [InlineData("cache", "cache", true, true)]
    [InlineData("cache", "wp-content/cache", true, true)]
    [InlineData("cache", "cached", true, false)]
    [InlineData("*.log", "debug.log", false, true)]
    [InlineData("*.log", "a/b/debug.log", false, true)]
    [InlineData("*.log", "debug.log.gz", false, false)]
    [InlineData("?.txt", "a.txt", false, true)]
    [InlineData("?.txt", "ab.txt", false, false)]
    [InlineData("uploads/big/**", "uploads/big", true, true)]
    [InlineData("uploads/big/**", "uploads/big/x/y.bin", false, true)]
    [InlineData("uploads/big/**", "old/uploads/big", true, false)]
    [InlineData("uploads/*.zip", "uploads/a.zip", false, true)]
    [InlineData("uploads/*.zip", "uploads/sub/a.zip", false, false)]
    [InlineData("**/node_modules", "a/b/node_modules", true, true)]
    [InlineData("/wp-config.php", "wp-config.php", false, true)]
    [InlineData("/wp-config.php", "sub/wp-config.php", false, false)]
    [InlineData("./wp-config.php", "sub/wp-config.php", false, false)]
    [InlineData("./wp-config.php", "wp-config.php", false, true)]
    [InlineData("tmp/", "tmp", true, true)]
    [InlineData("tmp/", "tmp", false, false)]
    [InlineData("a*b*c", "aXXbYYc", false, true)]
    [InlineData("a*b*c", "aXXbYY", false, false)]
    public void Patterns_match_like_the_documentation_says(string pattern, string path, bool isDirectory, bool excluded)
    {
        var filter = BundleExcludeFilter.Parse([pattern], "exclude");

        Assert.Equal(excluded, filter.Excludes(path, isDirectory));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("/")]
    [InlineData("./")]
    public void Empty_patterns_are_refused(string pattern)
    {
        Assert.Throws<ArgumentException>(() => BundleExcludeFilter.Parse([pattern], "exclude"));
    }
}
