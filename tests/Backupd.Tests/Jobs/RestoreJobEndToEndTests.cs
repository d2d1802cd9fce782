using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.TestBed;
using Backupd.Tests.Bundles;
using Backupd.Tests.Modules.WordPress;
using Backupd.Tests.Processes;
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

        // So is one cut short (a copy that stopped part-way), before a byte is downloaded past its end.
        await File.WriteAllBytesAsync(bundle, original[..(original.Length * 2 / 3)]);
        var truncated = await RestoreAsync(new { jobId = backupId });
        await File.WriteAllBytesAsync(bundle, original);
        Assert.Equal("failed", truncated.GetProperty("state").GetString());
        Assert.StartsWith("fetch_bundle: ", truncated.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.All(truncated.GetProperty("stages").EnumerateArray().Skip(1).SkipLast(1), stage => Assert.NotEqual("completed", stage.GetProperty("status").GetString()));
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

        // The kept copy is listed, with when retention removes it; a dry run kept nothing.
        var restoreId = restored.GetProperty("id").GetString()!;
        var listed = await KeptCopyAsync(restoreId);
        Assert.Equal(site.RootPath, listed.GetProperty("path").GetString());
        Assert.Equal(backupId, listed.GetProperty("backupJobId").GetString());
        Assert.Equal(listed.GetProperty("keptSince").GetDateTimeOffset() + TimeSpan.FromDays(30), listed.GetProperty("discardAfter").GetDateTimeOffset());
        Assert.Null(await KeptCopyOrNullAsync(dryRun.GetProperty("id").GetString()!));
        await AssertRefusedAsync($"/api/v1/restores/{dryRun.GetProperty("id").GetString()}/discard", HttpStatusCode.Conflict, "it was a dry run, which changed nothing");

        // Undone with one call: what the restore replaced and kept is swapped back in exactly, and
        // what it had put in place is kept in turn (so the undo can be undone).
        await AssertRefusedAsync($"/api/v1/restores/{dryRun.GetProperty("id").GetString()}/undo", HttpStatusCode.Conflict, "it was a dry run, which changed nothing");
        await AssertRefusedAsync($"/api/v1/restores/{backupId}/undo", HttpStatusCode.Conflict, "only a restore keeps a copy of what it replaced");
        using var undo = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/restores/{restored.GetProperty("id").GetString()}/undo");
        var undoBody = await undo.Content.ReadAsStringAsync();
        Assert.True(undo.StatusCode == HttpStatusCode.Created, undoBody);
        var undone = await fixture.WaitForJobAsync(JsonDocument.Parse(undoBody).RootElement.GetProperty("id").GetString()!, JobsEndToEndFixture.IsFinished, JobTimeout);
        Assert.True(undone.GetProperty("state").GetString() == "completed", undone.ToString());
        Assert.Equal(changedTables, await SiteTablesAsync(site));
        Assert.Equal(changedFiles, TreeSnapshot.Of(content, linkMetadata: false));
        Assert.Contains($"WordPress loads: siteurl {site.SiteUrl}, home {site.SiteUrl}", Messages(undone));
        var keptByUndo = Assert.Single(Directory.EnumerateDirectories(site.RootPath, "wp-content.pre-restore-*"));
        Assert.NotEqual(aside, keptByUndo);
        Assert.Equal(backedUpFiles, TreeSnapshot.Of(keptByUndo, linkMetadata: false));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(site.RootPath, ".*").Select(Path.GetFileName), name => name!.StartsWith(".backupd", StringComparison.Ordinal) || name == ".maintenance");
        // The restore's kept tables are the site's again; the ones it had restored are kept under the undo's prefix.
        var afterUndo = await AllTablesAsync(site);
        Assert.Equal(backedUpTables.Count + changedTables.Count, afterUndo.Count);

        // What the restore kept is back in place: it is no longer listed, and undoing or discarding
        // it again is refused; what the undo kept in turn is listed instead.
        var undoId = undone.GetProperty("id").GetString()!;
        Assert.Null(await KeptCopyOrNullAsync(restoreId));
        await AssertRefusedAsync($"/api/v1/restores/{restoreId}/undo", HttpStatusCode.Conflict, $"swapped back in by undo job '{undoId}'");
        await AssertRefusedAsync($"/api/v1/restores/{restoreId}/discard", HttpStatusCode.Conflict, $"swapped back in by undo job '{undoId}'");
        Assert.Equal(restoreId, (await KeptCopyAsync(undoId)).GetProperty("undoOf").GetString());
        Assert.Equal(afterUndo.Order(StringComparer.Ordinal), (await AllTablesAsync(site)).Order(StringComparer.Ordinal));

        // Discarded: the undo's kept tables and directory go, the live site stays exactly as it is,
        // and the undo can no longer be undone.
        using var discard = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/restores/{undoId}/discard");
        var discardBody = await discard.Content.ReadAsStringAsync();
        Assert.True(discard.StatusCode == HttpStatusCode.Created, discardBody);
        var discarded = await fixture.WaitForJobAsync(JsonDocument.Parse(discardBody).RootElement.GetProperty("id").GetString()!, JobsEndToEndFixture.IsFinished, JobTimeout);
        Assert.True(discarded.GetProperty("state").GetString() == "completed", discarded.ToString());
        Assert.Contains(Messages(discarded), line => line.StartsWith($"Plan: remove what restore {undoId} kept: {backedUpTables.Count} tables ", StringComparison.Ordinal) && line.Contains(keptByUndo, StringComparison.Ordinal));
        Assert.Equal(changedTables, await SiteTablesAsync(site));
        Assert.Equal(changedFiles, TreeSnapshot.Of(content, linkMetadata: false));
        Assert.Equal(changedTables.Keys.Order(StringComparer.Ordinal), (await AllTablesAsync(site)).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(keptByUndo));
        Assert.Empty(Directory.EnumerateFileSystemEntries(site.RootPath, "*pre-restore*"));
        Assert.Null(await KeptCopyOrNullAsync(undoId));
        await AssertRefusedAsync($"/api/v1/restores/{undoId}/undo", HttpStatusCode.Conflict, $"what it kept was removed by job '{discarded.GetProperty("id").GetString()}'");
    }

    private async Task<JsonElement> KeptCopyAsync(string restoreJobId) =>
        await KeptCopyOrNullAsync(restoreJobId) ?? throw new Xunit.Sdk.XunitException($"Restore {restoreJobId} is not among the kept copies.");

    private async Task<JsonElement?> KeptCopyOrNullAsync(string restoreJobId)
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Get, $"/api/v1/restores/kept?nodeId={fixture.NodeId}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.EnumerateArray().Where(copy => copy.GetProperty("restoreJobId").GetString() == restoreJobId)
            .Select(copy => (JsonElement?)copy).SingleOrDefault();
    }

    [Fact]
    public async Task A_restore_in_place_leaves_what_the_backup_excluded_in_the_site_and_the_rest_as_backed_up()
    {
        var site = await fixture.WordPress.CreateSiteAsync(new WordPressSiteOptions { TablePrefix = "rex_" });
        var content = Path.Combine(site.RootPath, "wp-content");
        var big = Directory.CreateDirectory(Path.Combine(content, "uploads", "big")).FullName;
        await File.WriteAllTextAsync(Path.Combine(big, "video.mp4"), "too big to back up");
        var cache = Directory.CreateDirectory(Path.Combine(content, "plugins", "cache")).FullName;
        await File.WriteAllTextAsync(Path.Combine(cache, "page.html"), "cached page");
        var backupId = await fixture.CreateJobAsync(new { path = site.RootPath, exclude = new[] { "uploads/big/**", "cache/" } });
        var backup = await fixture.WaitForJobAsync(backupId, JobsEndToEndFixture.IsFinished, JobTimeout);
        Assert.True(backup.GetProperty("state").GetString() == "completed", backup.ToString());
        static bool Kept(SnapshotEntry entry) => entry.Path.StartsWith("uploads/big", StringComparison.Ordinal) || entry.Path.StartsWith("plugins/cache", StringComparison.Ordinal);
        var backedUp = TreeSnapshot.Of(content, linkMetadata: false).Where(entry => !Kept(entry)).ToList();

        // After the backup: a file added, and more written where the backup does not look.
        await File.WriteAllTextAsync(Path.Combine(content, "uploads", "added-later.txt"), "not in the backup");
        await File.WriteAllTextAsync(Path.Combine(big, "second.mp4"), "written after the backup");
        var excluded = TreeSnapshot.Of(content, linkMetadata: false).Where(Kept).ToList();

        var restored = await RestoreAsync(new { jobId = backupId, safetyBackup = false });

        Assert.True(restored.GetProperty("state").GetString() == "completed", restored.ToString());
        var after = TreeSnapshot.Of(content, linkMetadata: false);
        Assert.Equal(backedUp, after.Where(entry => !Kept(entry)).ToList());
        Assert.Equal(excluded, after.Where(Kept).ToList());
        Assert.Empty(Directory.EnumerateDirectories(site.RootPath, "wp-content.pre-restore-*"));
    }

    [Fact]
    public async Task A_site_restored_elsewhere_under_a_new_database_prefix_and_url_loads_with_every_serialized_value_whole()
    {
        var site = await fixture.WordPress.CreateSiteAsync(new WordPressSiteOptions { TablePrefix = "src_" });
        var oldUrl = site.SiteUrl;
        var lookalike = oldUrl + ".staging.example/keep-me";
        // The URL in the forms plugins store it: serialized (nested, and serialized twice), JSON-escaped, URL-encoded.
        await PhpAsync(site.RootPath, $$"""
            update_option('backupd_serialized', ['home' => '{{oldUrl}}/shop', 'nested' => ['logo' => '{{oldUrl}}/logo.png'], 'twice' => serialize(['u' => '{{oldUrl}}/ü'])]);
            update_option('backupd_json', json_encode(['url' => '{{oldUrl}}/a']));
            update_option('backupd_encoded', urlencode('{{oldUrl}}/b?c=d'));
            update_option('backupd_lookalike', '{{lookalike}}');
            """);
        var backupId = await fixture.CreateJobAsync(new { path = site.RootPath });
        var backup = await fixture.WaitForJobAsync(backupId, JobsEndToEndFixture.IsFinished, JobTimeout);
        Assert.True(backup.GetProperty("state").GetString() == "completed", backup.ToString());
        var sourceTables = await SiteTablesAsync(site);
        var sourceFiles = TreeSnapshot.Of(Path.Combine(site.RootPath, "wp-content"), linkMetadata: false);

        // A new place: WordPress's own files only (as `wp core download` leaves them), a new database and user.
        var target = Directory.CreateTempSubdirectory("backupd-restore-copy-").FullName;
        // Debian's package links some of its files elsewhere; a copy follows them, as the test bed's sites do.
        (await ProcessRunner.RunAsync("cp", ["-rL", "/usr/share/wordpress/.", target], TimeSpan.FromMinutes(1))).EnsureSuccess("copying WordPress");
        File.Delete(Path.Combine(target, "wp-config.php"));
        // The web server's, as the test bed's sites are: the check runs the site's code as its owner, never as root.
        (await ProcessRunner.RunAsync("chown", ["-R", "www-data:www-data", target], TimeSpan.FromMinutes(1))).EnsureSuccess("giving the copy to www-data");
        File.SetUnixFileMode(target, (UnixFileMode)0x1ED);
        var database = $"copy_{site.Name}";
        const string password = "copy-Pa55-'quote\\";
        await fixture.WordPress.Database.CreateDatabaseAsync(database, database, password);
        const string newUrl = "https://copy.example/blog";
        try
        {
            var restored = await RestoreAsync(new
            {
                jobId = backupId,
                target = new
                {
                    path = target, url = newUrl, tablePrefix = "wpc_",
                    db = new { host = MariaDbServer.Host, port = fixture.WordPress.Database.Port, name = database, user = database, password },
                },
            });

            Assert.True(restored.GetProperty("state").GetString() == "completed", restored.ToString());
            Assert.Contains($"WordPress loads: siteurl {newUrl}, home {newUrl}", Messages(restored));
            Assert.Equal(sourceFiles, TreeSnapshot.Of(Path.Combine(target, "wp-content"), linkMetadata: false));
            var report = await PhpAsync(target, """
                global $wpdb;
                foreach ($wpdb->get_results("SELECT option_name, option_value FROM {$wpdb->options}") as $row) {
                    if (is_serialized($row->option_value) && $row->option_value !== 'b:0;' && @unserialize($row->option_value) === false) { echo "broken={$row->option_name}", PHP_EOL; }
                }
                $s = get_option('backupd_serialized');
                echo 'siteurl=', get_option('siteurl'), PHP_EOL, 'serialized=', $s['home'], ' ', $s['nested']['logo'], ' ', unserialize($s['twice'])['u'], PHP_EOL;
                echo 'json=', json_decode(get_option('backupd_json'))->url, PHP_EOL, 'encoded=', urldecode(get_option('backupd_encoded')), PHP_EOL, 'lookalike=', get_option('backupd_lookalike'), PHP_EOL;
                echo 'roles=', count(get_option('wpc_user_roles')), PHP_EOL, 'admin=', user_can(1, 'manage_options') ? 'yes' : 'no', PHP_EOL;
                echo 'old_keys=', $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->usermeta} WHERE meta_key LIKE 'src%'"), PHP_EOL;
                echo 'guid=', $wpdb->get_var("SELECT guid FROM {$wpdb->posts} ORDER BY ID LIMIT 1"), PHP_EOL;
                """);
            Assert.DoesNotContain("broken=", report, StringComparison.Ordinal);
            Assert.Contains($"siteurl={newUrl}\n", report, StringComparison.Ordinal);
            Assert.Contains($"serialized={newUrl}/shop {newUrl}/logo.png {newUrl}/ü\n", report, StringComparison.Ordinal);
            Assert.Contains($"json={newUrl}/a\nencoded={newUrl}/b?c=d\nlookalike={lookalike}\n", report, StringComparison.Ordinal);
            Assert.Contains("admin=yes\n", report, StringComparison.Ordinal);
            Assert.Contains("old_keys=0\n", report, StringComparison.Ordinal);
            Assert.Matches($"guid={System.Text.RegularExpressions.Regex.Escape(oldUrl)}/", report);
            Assert.DoesNotMatch("roles=0\n", report);
            // The site it came from is as it was.
            Assert.Equal(sourceTables, await SiteTablesAsync(site));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(target, "wp-config.php")));
            Assert.DoesNotContain(password, restored.ToString(), StringComparison.Ordinal);

            // The same target again is refused: a site is there now.
            var again = await RestoreAsync(new
            {
                jobId = backupId,
                target = new { path = target, db = new { host = MariaDbServer.Host, port = fixture.WordPress.Database.Port, name = database, user = database, password } },
            });
            Assert.Equal("failed", again.GetProperty("state").GetString());
            Assert.Contains("already holds a site", again.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await fixture.WordPress.Database.DropDatabaseAsync(database, database);
            Directory.Delete(target, recursive: true);
        }
    }

    [Fact]
    public async Task A_schedule_that_test_restores_each_backup_with_database_settings_of_its_own_records_a_receipt_and_leaves_the_site_untouched_and_a_broken_bundle_a_failed_one()
    {
        var site = await fixture.WordPress.CreateSiteAsync(new WordPressSiteOptions { TablePrefix = "tst_" });
        // The schedule reaches the database with settings of its own (here: wp-config.php's
        // password is stale), which the test-restore beside the site must use too.
        var wpConfig = await File.ReadAllTextAsync(site.ConfigPath);
        Assert.Contains(site.DatabasePassword, wpConfig, StringComparison.Ordinal);
        await File.WriteAllTextAsync(site.ConfigPath, wpConfig.Replace(site.DatabasePassword, "a-stale-password", StringComparison.Ordinal));
        using var create = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/schedules", new
        {
            name = "test-restore e2e", cron = "0 3 * * *", enabled = false, nodeId = fixture.NodeId, module = "wordpress",
            config = new { path = site.RootPath, db = new { password = site.DatabasePassword } }, providerId = fixture.ProviderId, testRestoreAfterBackup = true,
        });
        var schedule = await create.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(create.StatusCode == HttpStatusCode.Created, schedule.ToString());
        var scheduleId = schedule.GetProperty("id").GetString()!;
        // Before the run: the test-restore follows the backup at once. Every file and directory
        // under the root; the root's own time changes as the scratch copy comes and goes beside them.
        var tables = await SiteTablesAsync(site);
        var files = TreeSnapshot.Of(site.RootPath, linkMetadata: false).Where(entry => entry.Path.Length > 0).ToList();
        using var run = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/schedules/{scheduleId}/run");
        var backupId = (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var backup = await fixture.WaitForJobAsync(backupId, JobsEndToEndFixture.IsFinished, JobTimeout);
        Assert.True(backup.GetProperty("state").GetString() == "completed", backup.ToString());

        backup = await fixture.WaitForJobAsync(backupId, job => job.TryGetProperty("lastTestRestore", out var r) && r.ValueKind == JsonValueKind.Object, JobTimeout);

        var receipt = backup.GetProperty("lastTestRestore");
        Assert.True(receipt.GetProperty("passed").GetBoolean(), receipt.ToString());
        Assert.Equal(backup.GetProperty("result").GetProperty("objectKey").GetString(), receipt.GetProperty("bundleKey").GetString());
        Assert.Contains($"WordPress loads: siteurl {site.SiteUrl}", receipt.GetProperty("checks").GetString(), StringComparison.Ordinal);
        Assert.Contains("Restored and checked:", receipt.GetProperty("checks").GetString(), StringComparison.Ordinal);
        var proven = (await fixture.Api.GetJsonAsync($"/api/v1/schedules/{scheduleId}")).GetProperty("lastTestRestore");
        Assert.Equal(receipt.GetProperty("restoreJobId").GetString(), proven.GetProperty("restoreJobId").GetString());
        var restoreJob = await fixture.GetJobAsync(receipt.GetProperty("restoreJobId").GetString()!);
        Assert.Equal(JsonValueKind.Null, restoreJob.GetProperty("scheduleId").ValueKind);
        Assert.DoesNotContain(site.DatabasePassword, restoreJob.ToString(), StringComparison.Ordinal);
        // The site is as it was, and nothing of the scratch copy is left.
        Assert.Equal(tables, await SiteTablesAsync(site));
        Assert.Equal(files, TreeSnapshot.Of(site.RootPath, linkMetadata: false).Where(entry => entry.Path.Length > 0).ToList());
        Assert.Equal(tables.Count, (await AllTablesAsync(site)).Count);

        // The same bundle, changed in storage: a failed receipt that says why.
        var bundle = Path.Combine(fixture.StorageDir, backup.GetProperty("result").GetProperty("objectKey").GetString()!);
        var original = await File.ReadAllBytesAsync(bundle);
        var damaged = (byte[])original.Clone();
        damaged[^100] ^= 0x01;
        await File.WriteAllBytesAsync(bundle, damaged);
        try
        {
            // By hand, the password the finished backup no longer holds is sent again.
            await AssertRefusedAsync(new { jobId = backupId, testRestore = true }, HttpStatusCode.BadRequest, "target.db.password");
            var failed = await RestoreAsync(new { jobId = backupId, testRestore = true, target = new { db = new { password = site.DatabasePassword } } });
            Assert.Equal("failed", failed.GetProperty("state").GetString());
        }
        finally
        {
            await File.WriteAllBytesAsync(bundle, original);
        }

        var failedReceipt = (await fixture.GetJobAsync(backupId)).GetProperty("lastTestRestore");
        Assert.False(failedReceipt.GetProperty("passed").GetBoolean());
        Assert.Contains("is not the one backup job", failedReceipt.GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.False((await fixture.Api.GetJsonAsync($"/api/v1/schedules/{scheduleId}")).GetProperty("lastTestRestore").GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task A_schedule_test_restores_each_bundle_on_a_node_of_its_choosing_beside_a_wordpress_install_there_touching_neither_site()
    {
        var site = await fixture.WordPress.CreateSiteAsync(new WordPressSiteOptions { TablePrefix = "far_" });
        // The chosen node's WordPress install: a spare site whose own files and database lend the scratch copy what a bundle does not hold.
        var spare = await fixture.WordPress.CreateSiteAsync();
        await using var prover = new NodeProcess(fixture.Master.BaseUrl);
        var proverId = await JobsEndToEndFixture.EnrolAsync(prover, fixture.Api);
        using var provider = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/providers", new
        {
            name = "s3 for proving", type = "s3", endpoint = fixture.S3.ServiceUrl, region = S3rverServer.Region, bucket = fixture.S3.BucketName,
            prefix = "proven", forcePathStyle = true, accessKeyId = S3rverServer.AccessKey, secretAccessKey = S3rverServer.SecretKey,
        });
        Assert.Equal(HttpStatusCode.Created, provider.StatusCode);
        var s3ProviderId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        object Schedule(string providerId, string? testNode, string? testPath, bool afterBackup = true, string? testRestoreCron = null) => new
        {
            name = "proven elsewhere", cron = "0 3 * * *", enabled = testRestoreCron is not null, nodeId = fixture.NodeId, module = "wordpress", config = new { path = site.RootPath },
            providerId, testRestoreAfterBackup = afterBackup, testRestoreNodeId = testNode, testRestorePath = testPath, testRestoreCron,
        };

        // What cannot work is refused up front, naming the field: a local folder is on the backing-up node alone.
        await AssertRefusedAsync("/api/v1/schedules", HttpStatusCode.BadRequest, "testRestoreNodeId", Schedule(fixture.ProviderId, proverId, spare.RootPath));
        await AssertRefusedAsync("/api/v1/schedules", HttpStatusCode.BadRequest, "testRestorePath", Schedule(s3ProviderId, proverId, null));
        await AssertRefusedAsync("/api/v1/schedules", HttpStatusCode.BadRequest, "is not an absolute path", Schedule(s3ProviderId, proverId, "srv/www"));
        var localId = await fixture.CreateJobAsync(new { path = site.RootPath });
        Assert.Equal("completed", (await fixture.WaitForJobAsync(localId, JobsEndToEndFixture.IsFinished, JobTimeout)).GetProperty("state").GetString());
        await AssertRefusedAsync($"/api/v1/jobs/{localId}/verify", HttpStatusCode.BadRequest, "which alone holds its bundles", new { nodeId = proverId });
        await AssertRefusedAsync(new { jobId = localId, testRestore = true, nodeId = proverId, target = new { path = spare.RootPath } }, HttpStatusCode.BadRequest, "which alone holds its bundles");

        using var create = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/schedules", Schedule(s3ProviderId, proverId, spare.RootPath));
        var schedule = await create.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(create.StatusCode == HttpStatusCode.Created, schedule.ToString());
        Assert.Equal(proverId, schedule.GetProperty("definition").GetProperty("testRestoreNodeId").GetString());
        var spareTables = await SiteTablesAsync(spare);
        var spareFiles = TreeSnapshot.Of(spare.RootPath, linkMetadata: false).Where(entry => entry.Path.Length > 0).ToList();
        var siteTables = await SiteTablesAsync(site);

        using var run = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/schedules/{schedule.GetProperty("id").GetString()}/run");
        var backupId = (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var backup = await fixture.WaitForJobAsync(backupId, job => job.TryGetProperty("lastTestRestore", out var r) && r.ValueKind == JsonValueKind.Object, JobTimeout);

        var receipt = backup.GetProperty("lastTestRestore");
        Assert.True(receipt.GetProperty("passed").GetBoolean(), receipt.ToString() + "\nprover output:\n" + prover.Process.Output);
        Assert.Contains($"WordPress loads: siteurl {site.SiteUrl}", receipt.GetProperty("checks").GetString(), StringComparison.Ordinal);
        var restore = await fixture.GetJobAsync(receipt.GetProperty("restoreJobId").GetString()!);
        Assert.Equal(proverId, restore.GetProperty("nodeId").GetString());
        Assert.Contains(Messages(restore), line => line.Contains($"copied from {spare.RootPath}", StringComparison.Ordinal));
        // Neither site changed, and nothing of the scratch copy is left beside the spare one.
        Assert.Equal(spareTables, await SiteTablesAsync(spare));
        Assert.Equal(spareTables.Count, (await AllTablesAsync(spare)).Count);
        Assert.Equal(spareFiles, TreeSnapshot.Of(spare.RootPath, linkMetadata: false).Where(entry => entry.Path.Length > 0).ToList());
        Assert.Equal(siteTables, await SiteTablesAsync(site));

        // The same by hand: a test-restore on another node needs the WordPress install to go beside.
        await AssertRefusedAsync(new { jobId = backupId, testRestore = true, nodeId = proverId }, HttpStatusCode.BadRequest, "needs target.path");
        var byHand = await RestoreAsync(new { jobId = backupId, testRestore = true, nodeId = proverId, target = new { path = spare.RootPath } });
        Assert.True(byHand.GetProperty("state").GetString() == "completed", byHand.ToString());
        Assert.Equal(spareTables, await SiteTablesAsync(spare));

        // On a cron of its own instead (weekly, say; every 10 s here): the newest bundle, proven again.
        var scheduleUrl = $"/api/v1/schedules/{schedule.GetProperty("id").GetString()}";
        await AssertRefusedAsync(scheduleUrl, HttpStatusCode.BadRequest, "testRestoreCron", Schedule(s3ProviderId, proverId, spare.RootPath, afterBackup: false, testRestoreCron: "61 * * * *"), HttpMethod.Put);
        using (var update = await fixture.Api.SendAsync(HttpMethod.Put, scheduleUrl, Schedule(s3ProviderId, proverId, spare.RootPath, afterBackup: false, testRestoreCron: "*/10 * * * * *")))
        {
            Assert.True(update.StatusCode == HttpStatusCode.OK, await update.Content.ReadAsStringAsync());
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        JsonElement? found;
        while ((found = (await fixture.Api.GetJsonAsync(scheduleUrl)).GetProperty("history").EnumerateArray()
                   .Where(e => e.GetProperty("kind").GetString() == "testRestoreDue").Select(e => (JsonElement?)e).FirstOrDefault()) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no test-restore came of the test-restore cron");
            await Task.Delay(500);
        }

        // One is enough: the schedule goes before the cron fires again.
        using (await fixture.Api.SendAsync(HttpMethod.Delete, scheduleUrl))
        {
        }

        var due = found.Value;
        var cronRestoreId = due.GetProperty("jobId").GetString();
        Assert.True(cronRestoreId is not null, due.ToString());
        var byCron = await fixture.WaitForJobAsync(cronRestoreId, JobsEndToEndFixture.IsFinished, JobTimeout);
        Assert.True(byCron.GetProperty("state").GetString() == "completed", byCron.ToString());
        Assert.Equal(proverId, byCron.GetProperty("nodeId").GetString());
        Assert.Contains(backupId, due.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(cronRestoreId, (await fixture.GetJobAsync(backupId)).GetProperty("lastTestRestore").GetProperty("restoreJobId").GetString());
    }

    [Fact]
    public async Task A_swap_that_fails_after_the_tables_were_swapped_puts_tables_and_files_back_as_they_were()
    {
        var site = await fixture.WordPress.CreateSiteAsync(new WordPressSiteOptions { TablePrefix = "swp_" });
        var content = Path.Combine(site.RootPath, "wp-content");
        var backupId = await fixture.CreateJobAsync(new { path = site.RootPath });
        Assert.Equal("completed", (await fixture.WaitForJobAsync(backupId, JobsEndToEndFixture.IsFinished, JobTimeout)).GetProperty("state").GetString());
        await ExecuteAsync(site, "DELETE FROM swp_posts WHERE post_type = 'post'");
        await File.WriteAllTextAsync(Path.Combine(content, "uploads", "after-the-backup.txt"), "kept");
        var tables = await SiteTablesAsync(site);
        var files = TreeSnapshot.Of(content, linkMetadata: false);

        using var created = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/restores", new { jobId = backupId });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        // Where the swap moves the live wp-content, something is in the way: the files cannot
        // move once the tables have (the restore names it after its job, as RestorePlaces does).
        var tag = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)))[..8];
        var inTheWay = Directory.CreateDirectory(Path.Combine(site.RootPath, $"wp-content.pre-restore-{tag}")).FullName;
        await File.WriteAllTextAsync(Path.Combine(inTheWay, "in-the-way.txt"), "x");
        try
        {
            var failed = await fixture.WaitForJobAsync(id, JobsEndToEndFixture.IsFinished, JobTimeout);

            Assert.Equal("failed", failed.GetProperty("state").GetString());
            Assert.Contains("the live site was put back as it was", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal("failed", failed.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "swap").GetProperty("status").GetString());
            await AssertUnchangedAsync(site, content, tables, files);
        }
        finally
        {
            Directory.Delete(inTheWay, recursive: true);
        }
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
        await AssertRefusedAsync(new { jobId = backupId, target = new { path = "/srv/www/elsewhere" } }, HttpStatusCode.BadRequest, "a new site needs its database");
        await AssertRefusedAsync(new { jobId = backupId, target = new { url = "https://copy.example" } }, HttpStatusCode.BadRequest, "keeps the site's URL");
        await AssertRefusedAsync(new { jobId = backupId, target = new { path = "/srv/www/elsewhere", tablePrefix = "bad-prefix", url = "ftp://x", db = new { name = "n", user = "u", password = "p" } } }, HttpStatusCode.BadRequest, "target.tablePrefix");
        await AssertRefusedAsync(new { jobId = backupId, nodeId = "another-node" }, HttpStatusCode.BadRequest, "nodeId");
        await AssertRefusedAsync(new { jobId = backupId, testRestore = true, target = new { url = "https://copy.example" } }, HttpStatusCode.BadRequest, "a test-restore keeps the bundle's URL");
    }

    private Task<JsonElement> RestoreAsync(object request) => RestoreJobs.RunAsync(fixture, request, JobTimeout);

    private Task AssertRefusedAsync(object request, HttpStatusCode status, string says) => AssertRefusedAsync("/api/v1/restores", status, says, request);

    private async Task AssertRefusedAsync(string path, HttpStatusCode status, string says, object? request = null, HttpMethod? method = null)
    {
        using var response = await fixture.Api.SendAsync(method ?? HttpMethod.Post, path, request);
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
    private Task<SortedDictionary<string, long?>> SiteTablesAsync(WordPressSite site) => SiteTableChecksums.OfAsync(fixture.WordPress, site);

    private async Task<List<string>> AllTablesAsync(WordPressSite site) =>
        [.. (await DumpRestore.ChecksumsAsync(fixture.WordPress.Database, site.DatabaseName, CancellationToken.None)).Keys];

    private static Task ExecuteAsync(WordPressSite site, string sql) => RestoreJobs.ExecuteAsync(site, sql);

    // PHP code run with the site at root loaded; returns what it printed.
    private static async Task<string> PhpAsync(string root, string code)
    {
        var result = await ProcessRunner.RunAsync("php", ["-r", $"define('WP_USE_THEMES', false); define('DISABLE_WP_CRON', true); require '{root}/wp-load.php'; {code}"], TimeSpan.FromMinutes(1));
        result.EnsureSuccess("running PHP in the site");
        return result.StandardOutput;
    }

    private static List<string> Messages(JsonElement job) => RestoreJobs.Messages(job);
}
