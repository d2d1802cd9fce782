using System.Text.Json;
using Backupd.TestBed;
using Backupd.Tests.Bundles;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Jobs;

/// <summary>
/// A WordPress network (multisite: a main site and a second site in a subdirectory, each with
/// tables of its own) backed up and restored by a real node on real MariaDB: test-restored and
/// loaded as a network; in place, every site's tables and files as backed up; elsewhere, under a new prefix and URL, every site moved
/// with the main one, each keeping its roles, and WordPress serving them at the new address.
/// </summary>
[Collection(JobsEndToEndCollection.Name)]
public sealed class NetworkRestoreTests(JobsEndToEndFixture fixture)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_changed_network_is_put_back_in_place_with_its_second_site_as_backed_up()
    {
        var site = await fixture.WordPress.CreateSiteAsync(new WordPressSiteOptions { TablePrefix = "net_", Network = true });
        var second = site.NetworkSite!;
        var content = Path.Combine(site.RootPath, "wp-content");
        // Loaded once, as a live network has been: its first load writes what WordPress schedules (as the restore's check would).
        await PhpAsync(site.RootPath, new Uri(site.SiteUrl), "echo get_option('siteurl');");
        var backupId = await fixture.CreateJobAsync(new { path = site.RootPath });
        var backup = await fixture.WaitForJobAsync(backupId, JobsEndToEndFixture.IsFinished, JobTimeout);
        Assert.True(backup.GetProperty("state").GetString() == "completed", backup.ToString());
        var backedUpTables = await SiteTableChecksums.OfAsync(fixture.WordPress, site);
        var backedUpFiles = TreeSnapshot.Of(content, linkMetadata: false);
        Assert.Contains("net_2_posts", backedUpTables.Keys);
        Assert.Contains(backedUpFiles, entry => entry.Path.EndsWith("/second.txt", StringComparison.Ordinal));

        // Proven restorable first: the test-restore loads the scratch copy as a network too, and touches nothing of the live one.
        var proven = await RestoreAsync(new { jobId = backupId, testRestore = true, target = new { db = new { password = site.DatabasePassword } } });
        Assert.True(proven.GetProperty("state").GetString() == "completed", proven.ToString());
        Assert.Contains($"WordPress loads: siteurl {site.SiteUrl}, home {site.SiteUrl}, a network of 2 sites", Messages(proven));
        Assert.Equal(backedUpTables, await SiteTableChecksums.OfAsync(fixture.WordPress, site));

        // The second site changed after the backup: its posts gone, its upload altered.
        await RestoreJobs.ExecuteAsync(site, "DELETE FROM net_2_posts WHERE post_type = 'post'");
        await File.AppendAllTextAsync(second.UploadPath, "changed after the backup\n");
        Assert.NotEqual(backedUpTables, await SiteTableChecksums.OfAsync(fixture.WordPress, site));

        var restored = await RestoreAsync(new { jobId = backupId });

        Assert.True(restored.GetProperty("state").GetString() == "completed", restored.ToString());
        Assert.Contains($"WordPress loads: siteurl {site.SiteUrl}, home {site.SiteUrl}, a network of 2 sites", Messages(restored));
        Assert.Equal(backedUpTables, await SiteTableChecksums.OfAsync(fixture.WordPress, site));
        Assert.Equal(backedUpFiles, TreeSnapshot.Of(content, linkMetadata: false));
    }

    [Fact]
    public async Task A_network_restored_elsewhere_under_a_new_prefix_and_url_serves_every_site_at_the_new_address()
    {
        var site = await fixture.WordPress.CreateSiteAsync(new WordPressSiteOptions { TablePrefix = "src_", Network = true });
        var second = site.NetworkSite!;
        var backupId = await fixture.CreateJobAsync(new { path = site.RootPath });
        var backup = await fixture.WaitForJobAsync(backupId, JobsEndToEndFixture.IsFinished, JobTimeout);
        Assert.True(backup.GetProperty("state").GetString() == "completed", backup.ToString());
        var sourceTables = await SiteTableChecksums.OfAsync(fixture.WordPress, site);
        var sourceFiles = TreeSnapshot.Of(Path.Combine(site.RootPath, "wp-content"), linkMetadata: false);

        var target = Directory.CreateTempSubdirectory("backupd-restore-network-").FullName;
        (await ProcessRunner.RunAsync("cp", ["-rL", "/usr/share/wordpress/.", target], TimeSpan.FromMinutes(1))).EnsureSuccess("copying WordPress");
        File.Delete(Path.Combine(target, "wp-config.php"));
        (await ProcessRunner.RunAsync("chown", ["-R", "www-data:www-data", target], TimeSpan.FromMinutes(1))).EnsureSuccess("giving the copy to www-data");
        File.SetUnixFileMode(target, (UnixFileMode)0x1ED);
        var database = $"copy_{site.Name}";
        await fixture.WordPress.Database.CreateDatabaseAsync(database, database, "copy-network-password");
        var newUrl = new Uri("https://copy.example/net");
        try
        {
            var restored = await RestoreAsync(new
            {
                jobId = backupId,
                target = new
                {
                    path = target, url = newUrl.ToString(), tablePrefix = "cpn_",
                    db = new { host = MariaDbServer.Host, port = fixture.WordPress.Database.Port, name = database, user = database, password = "copy-network-password" },
                },
            });

            Assert.True(restored.GetProperty("state").GetString() == "completed", restored.ToString());
            Assert.Contains("https://copy.example/net, home https://copy.example/net, a network of 2 sites", string.Join("\n", Messages(restored)), StringComparison.Ordinal);
            Assert.Equal(sourceFiles, TreeSnapshot.Of(Path.Combine(target, "wp-content"), linkMetadata: false));
            var report = await PhpAsync(target, newUrl, $$"""
                foreach (get_sites() as $s) { echo 'site=', $s->blog_id, ' ', $s->domain, $s->path, PHP_EOL; }
                echo 'network=', get_network()->domain, get_network()->path, PHP_EOL;
                switch_to_blog({{second.Id}});
                echo 'second=', get_option('siteurl'), ' ', get_option('home'), PHP_EOL;
                $s = get_option('backupd_serialized');
                echo 'serialized=', $s['home'], ' ', $s['nested']['logo'], PHP_EOL;
                echo 'roles=', count(get_option('cpn_{{second.Id}}_user_roles') ?: []), PHP_EOL;
                echo 'admin=', user_can({{site.Administrator.Id}}, 'manage_options') ? 'yes' : 'no', PHP_EOL;
                echo 'post=', get_post({{second.PostId}})->post_title, PHP_EOL;
                restore_current_blog();
                """);
            Assert.Contains("site=1 copy.example/net/\n", report, StringComparison.Ordinal);
            Assert.Contains($"site={second.Id} copy.example/net/second/\n", report, StringComparison.Ordinal);
            Assert.Contains("network=copy.example/net/\n", report, StringComparison.Ordinal);
            Assert.Contains("second=https://copy.example/net/second https://copy.example/net/second\n", report, StringComparison.Ordinal);
            Assert.Contains("serialized=https://copy.example/net/second/shop https://copy.example/net/second/logo.png\n", report, StringComparison.Ordinal);
            Assert.DoesNotContain("roles=0\n", report, StringComparison.Ordinal);
            Assert.Contains("admin=yes\n", report, StringComparison.Ordinal);
            Assert.Contains("post=A post of the second site\n", report, StringComparison.Ordinal);
            var config = await File.ReadAllTextAsync(Path.Combine(target, "wp-config.php"));
            Assert.Contains("define( 'MULTISITE', true );", config, StringComparison.Ordinal);
            Assert.Contains("define( 'DOMAIN_CURRENT_SITE', 'copy.example' );", config, StringComparison.Ordinal);
            Assert.Contains("define( 'PATH_CURRENT_SITE', '/net/' );", config, StringComparison.Ordinal);
            // The network it came from is as it was.
            Assert.Equal(sourceTables, await SiteTableChecksums.OfAsync(fixture.WordPress, site));
            Assert.StartsWith(site.SiteUrl, second.Url, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.WordPress.Database.DropDatabaseAsync(database, database);
            Directory.Delete(target, recursive: true);
        }
    }

    private Task<JsonElement> RestoreAsync(object request) => RestoreJobs.RunAsync(fixture, request, JobTimeout);

    // PHP code run with the network at root loaded as a request for url would load it (a network picks its site by host and path).
    private static async Task<string> PhpAsync(string root, Uri url, string code)
    {
        var request = $"$_SERVER['HTTP_HOST'] = '{url.Authority}'; $_SERVER['REQUEST_URI'] = '{url.AbsolutePath.TrimEnd('/')}/';";
        var result = await ProcessRunner.RunAsync("php", ["-r", $"{request} define('WP_USE_THEMES', false); define('DISABLE_WP_CRON', true); require '{root}/wp-load.php'; {code}"], TimeSpan.FromMinutes(1));
        result.EnsureSuccess("running PHP in the network");
        return result.StandardOutput;
    }

    private static List<string> Messages(JsonElement job) => RestoreJobs.Messages(job);
}
