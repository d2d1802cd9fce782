using Backupd.Bundles;
using Backupd.Modules.WordPress.Restore;

namespace Backupd.Tests.Modules.Restore;

/// <summary>
/// Whom the restore's PHP check runs a site's code as: the account that may change that code,
/// wherever a host lets it write, and never root.
/// </summary>
public sealed class SiteLoadCheckTests : IDisposable
{
    private static readonly FileOwner WebServer = new(33, 33);
    private readonly string _site = Directory.CreateTempSubdirectory("backupd-runas-").FullName;

    public SiteLoadCheckTests()
    {
        Directory.CreateDirectory(Path.Combine(_site, "wp-content", "plugins"));
        Directory.CreateDirectory(Path.Combine(_site, "wp-content", "themes"));
        File.WriteAllText(Path.Combine(_site, "wp-config.php"), "<?php");
    }

    [Theory]
    [InlineData("wp-content/plugins")]      // root's core and wp-content, the plugins the web server's
    [InlineData("wp-content")]
    [InlineData("wp-config.php")]
    [InlineData("")]                        // the root itself, as on a host where the site's user owns it
    public void The_code_runs_as_the_first_owner_that_is_not_root_of_where_code_lives(string given)
    {
        Assert.True(Environment.IsPrivilegedProcess, "giving files away needs root: run the suite as root, as CI does");
        FileOwnership.ChangeEntry(Path.Combine(_site, given), WebServer);
        using var site = HeldDirectory.Open(_site);

        Assert.Equal(WebServer, SiteLoadCheck.RunAs(site));
    }

    [Fact]
    public void A_site_that_is_root_s_alone_is_never_run_as_root()
    {
        Assert.True(Environment.IsPrivilegedProcess, "the case is a root node's: run the suite as root, as CI does");
        using var site = HeldDirectory.Open(_site);

        Assert.Null(SiteLoadCheck.RunAs(site));
    }

    public void Dispose() => Directory.Delete(_site, recursive: true);
}
