using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.TestBed;
using Backupd.Tests.Bundles;
using Backupd.Tests.Modules.WordPress;
using MySqlConnector;

namespace Backupd.Tests.Jobs;

/// <summary>
/// A WordPress site backed up, changed, then put back with <c>POST /api/v1/restores</c> by a real
/// node on real MariaDB: a changed bundle is refused before anything is touched, a dry run
/// changes nothing, and the restore makes the tables and files exactly the backup's, with
/// WordPress loading afterwards and what it replaced kept aside.
/// </summary>
[Collection(JobsEndToEndCollection.Name)]
public sealed class RestoreJobEndToEndTests(JobsEndToEndFixture fixture)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_changed_site_is_put_back_in_place_exactly_as_backed_up_after_a_bad_bundle_and_a_dry_run_changed_nothing()
    {
        var site = await fixture.WordPress.CreateSiteAsync(new WordPressSiteOptions { TablePrefix = "rst_" });
        var content = Path.Combine(site.RootPath, "wp-content");
        var plugin = Path.Combine(content, "plugins", "shop-helper", "shop-helper.php");
        Directory.CreateDirectory(Path.GetDirectoryName(plugin)!);
        await File.WriteAllTextAsync(plugin, "<?php /* Plugin Name: Shop helper */\n");
        File.CreateSymbolicLink(Path.Combine(content, "uploads", "latest"), WordPressSite.ImageUploadName);
        // As any live site has been: loaded once, so WordPress has scheduled its update checks
        // (its first load writes them into the options, as the restore's own check would).
        (await ProcessRunner.RunAsync("php", ["-r", $"define('WP_USE_THEMES', false); define('DISABLE_WP_CRON', true); require '{site.RootPath}/wp-load.php';"], TimeSpan.FromMinutes(1)))
            .EnsureSuccess("loading the site once");

        var backupId = await fixture.CreateJobAsync(new { path = site.RootPath });
        var backup = await fixture.WaitForJobAsync(backupId, JobsEndToEndFixture.IsFinished, JobTimeout);
        Assert.True(backup.GetProperty("state").GetString() == "completed", backup.ToString());
        var backedUpTables = await SiteTablesAsync(site);
        var backedUpFiles = TreeSnapshot.Of(content, linkMetadata: false);

        // After the backup: posts deleted, a plugin file altered, a file and a table added.
        await ExecuteAsync(site, "DELETE FROM rst_posts WHERE post_type = 'post'; CREATE TABLE rst_added (id INT PRIMARY KEY)");
        await File.AppendAllTextAsync(plugin, "// injected after the backup\n");
        await File.WriteAllTextAsync(Path.Combine(content, "uploads", "added-later.txt"), "not in the backup");
        var changedTables = await SiteTablesAsync(site);
        var changedFiles = TreeSnapshot.Of(content, linkMetadata: false);
        Assert.NotEqual(backedUpTables, changedTables);

        // A bundle changed in storage is refused before the site is touched.
        var bundle = Path.Combine(fixture.StorageDir, backup.GetProperty("result").GetProperty("objectKey").GetString()!);
        var original = await File.ReadAllBytesAsync(bundle);
        var damaged = (byte[])original.Clone();
        damaged[damaged.Length / 3] ^= 0x40;
        await File.WriteAllBytesAsync(bundle, damaged);
        var refused = await RestoreAsync(new { jobId = backupId });
        await File.WriteAllBytesAsync(bundle, original);
        Assert.Equal("failed", refused.GetProperty("state").GetString());
        Assert.Contains("is not the one backup job", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
        await AssertUnchangedAsync(site, content, changedTables, changedFiles);

        // A dry run plans and changes nothing.
        var dryRun = await RestoreAsync(new { jobId = backupId, dryRun = true });
        Assert.True(dryRun.GetProperty("state").GetString() == "completed", dryRun.ToString());
        var plan = Messages(dryRun).Single(line => line.StartsWith($"Plan for {site.RootPath} from ", StringComparison.Ordinal));
        Assert.Contains("rst_added", plan, StringComparison.Ordinal);
        Assert.Contains("Dry run: nothing was changed", Messages(dryRun));
        await AssertUnchangedAsync(site, content, changedTables, changedFiles);

        var restored = await RestoreAsync(new { jobId = backupId });

        Assert.True(restored.GetProperty("state").GetString() == "completed", restored.ToString());
        Assert.All(restored.GetProperty("stages").EnumerateArray(), stage => Assert.Equal("completed", stage.GetProperty("status").GetString()));
        var tables = await SiteTablesAsync(site);
        Assert.Equal(backedUpTables, tables);
        Assert.Equal(backedUpFiles, TreeSnapshot.Of(content, linkMetadata: false));
        Assert.Contains($"WordPress loads: siteurl {site.SiteUrl}, home {site.SiteUrl}", Messages(restored));
        // Nothing of the restore is left in the site's root but the replaced copy, kept as asked by default.
        var leftovers = Directory.EnumerateFileSystemEntries(site.RootPath, ".*").Select(Path.GetFileName).Where(name => name!.StartsWith(".backupd", StringComparison.Ordinal) || name == ".maintenance");
        Assert.Empty(leftovers);
        var aside = Assert.Single(Directory.EnumerateDirectories(site.RootPath, "wp-content.pre-restore-*"));
        Assert.Equal(changedFiles, TreeSnapshot.Of(aside, linkMetadata: false));
        var kept = await AllTablesAsync(site);
        Assert.Contains(kept, table => table.EndsWith("_added", StringComparison.Ordinal) && table != "rst_added");
        Assert.DoesNotContain(site.DatabasePassword, restored.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(site.DatabasePassword, fixture.Node.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restore_request_that_cannot_be_carried_out_is_refused_naming_the_field()
    {
        var backupId = await fixture.CreateJobAsync(new { path = fixture.WordPress.Site.RootPath });
        var backup = await fixture.WaitForJobAsync(backupId, JobsEndToEndFixture.IsFinished, JobTimeout);
        Assert.Equal("completed", backup.GetProperty("state").GetString());

        await AssertRefusedAsync(new { }, HttpStatusCode.BadRequest, "jobId");
        await AssertRefusedAsync(new { jobId = "no-such-job" }, HttpStatusCode.NotFound, "No job has the id");
        await AssertRefusedAsync(new { jobId = backupId, parts = new[] { "everything" } }, HttpStatusCode.BadRequest, "parts");
        await AssertRefusedAsync(new { jobId = backupId, paths = new[] { "../wp-config.php" } }, HttpStatusCode.BadRequest, "paths[0]");
        await AssertRefusedAsync(new { jobId = backupId, target = new { path = "/srv/www/elsewhere" } }, HttpStatusCode.BadRequest, "not available yet");
        await AssertRefusedAsync(new { jobId = backupId, nodeId = "another-node" }, HttpStatusCode.BadRequest, "nodeId");
    }

    private async Task<JsonElement> RestoreAsync(object request)
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/restores", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.EndsWith("/api/v1/jobs/" + JsonDocument.Parse(body).RootElement.GetProperty("id").GetString(), response.Headers.Location!.ToString(), StringComparison.Ordinal);
        return await fixture.WaitForJobAsync(JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!, JobsEndToEndFixture.IsFinished, JobTimeout);
    }

    private async Task AssertRefusedAsync(object request, HttpStatusCode status, string says)
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/restores", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {body}");
        Assert.Contains(says, body, StringComparison.Ordinal);
    }

    private async Task AssertUnchangedAsync(WordPressSite site, string content, SortedDictionary<string, long?> tables, List<SnapshotEntry> files)
    {
        Assert.Equal(tables, await SiteTablesAsync(site));
        Assert.Equal(files, TreeSnapshot.Of(content, linkMetadata: false));
        Assert.Empty(Directory.EnumerateFileSystemEntries(site.RootPath, ".backupd-restore-*"));
        Assert.False(File.Exists(Path.Combine(site.RootPath, ".maintenance")));
        Assert.Equal(tables.Count, (await AllTablesAsync(site)).Count);
    }

    // The site's own tables (its prefix), each with its checksum.
    private async Task<SortedDictionary<string, long?>> SiteTablesAsync(WordPressSite site)
    {
        var all = await DumpRestore.ChecksumsAsync(fixture.WordPress.Database, site.DatabaseName, CancellationToken.None);
        return new SortedDictionary<string, long?>(all.Where(t => t.Key.StartsWith(site.TablePrefix, StringComparison.Ordinal)).ToDictionary(), StringComparer.Ordinal);
    }

    private async Task<List<string>> AllTablesAsync(WordPressSite site) =>
        [.. (await DumpRestore.ChecksumsAsync(fixture.WordPress.Database, site.DatabaseName, CancellationToken.None)).Keys];

    private static async Task ExecuteAsync(WordPressSite site, string sql)
    {
        await using var connection = new MySqlConnection(site.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static List<string> Messages(JsonElement job) => [.. job.GetProperty("log").EnumerateArray().Select(line => line.GetProperty("message").GetString()!)];
}
