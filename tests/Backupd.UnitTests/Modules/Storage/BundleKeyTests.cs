using Backupd.Modules.Storage;

namespace Backupd.Tests.Modules.Storage;

public sealed class BundleKeyTests
{
    private const string Node = "nodeA1";
    private const string Job = "0199a1b2c3d4e5f60718293a4b5c6d7e";
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 30, 5, TimeSpan.Zero);

    [Theory]
    [InlineData("")]
    [InlineData("backups")]
    [InlineData("/site/backups/")]
    public void A_key_composed_for_the_job_belongs_to_it_under_the_providers_prefix(string prefix)
    {
        var key = BundleKey.WithPrefix(prefix, BundleKey.Compose(Node, "wordpress", "https://Example.org/blog", At, Job));

        Assert.True(BundleKey.Belongs(key, prefix, Node, "wordpress", Job), key);
    }

    [Theory]
    [InlineData("nodeb1/wordpress/example.org/20261202T093005Z-0199a1b2c3d4e5f60718293a4b5c6d7e.tar.zst", "another node's place")]
    [InlineData("nodea1/wordpress/example.org/20261202T093005Z-0199a1b2c3d4e5f60718293a4b5c6d7f.tar.zst", "another job's id")]
    [InlineData("nodea1/mysql/example.org/20261202T093005Z-0199a1b2c3d4e5f60718293a4b5c6d7e.tar.zst", "another module")]
    [InlineData("nodea1/wordpress/20261202T093005Z-0199a1b2c3d4e5f60718293a4b5c6d7e.tar.zst", "no site")]
    [InlineData("nodea1/wordpress/a/b/20261202T093005Z-0199a1b2c3d4e5f60718293a4b5c6d7e.tar.zst", "a deeper path")]
    [InlineData("nodea1/wordpress/../nodeb1/20261202T093005Z-0199a1b2c3d4e5f60718293a4b5c6d7e.tar.zst", "a climb out")]
    [InlineData("nodea1/wordpress/..//20261202T093005Z-0199a1b2c3d4e5f60718293a4b5c6d7e.tar.zst", "an empty segment")]
    [InlineData("nodea1/wordpress/Example.org/20261202T093005Z-0199a1b2c3d4e5f60718293a4b5c6d7e.tar.zst", "a site name not as keys spell it")]
    [InlineData("nodea1/wordpress/example.org/20261302T093005Z-0199a1b2c3d4e5f60718293a4b5c6d7e.tar.zst", "no such time")]
    [InlineData("nodea1/wordpress/example.org/20261202T093005123Z-0199a1b2c3d4e5f60718293a4b5c6d7e.tar.zst", "another time format")]
    [InlineData("nodea1/wordpress/example.org/20261202T093005Z-0199a1b2c3d4e5f60718293a4b5c6d7e.tar", "another extension")]
    [InlineData("other/nodea1/wordpress/example.org/20261202T093005Z-0199a1b2c3d4e5f60718293a4b5c6d7e.tar.zst", "outside the prefix")]
    public void A_key_anywhere_else_does_not_belong_to_the_job(string key, string why)
    {
        Assert.False(BundleKey.Belongs(key, "", Node, "wordpress", Job), why);
    }

    [Fact]
    public void The_job_id_is_read_back_from_a_composed_key_and_no_other_key_names_one()
    {
        var key = BundleKey.WithPrefix("backups", BundleKey.Compose(Node, "wordpress", "shop.example", new DateTimeOffset(2026, 12, 3, 2, 30, 0, TimeSpan.Zero), Job));

        Assert.Equal(BundleKey.Slug(Job), BundleKey.JobIdOf(key));
        Assert.Null(BundleKey.JobIdOf("backups/other-software/video.mp4"));
        Assert.Null(BundleKey.JobIdOf("backups/n1/wordpress/site/nodash.tar.zst"));
        Assert.Null(BundleKey.JobIdOf("backups/n1/wordpress/site/20261203T023000Z-.tar.zst"));
    }
}
