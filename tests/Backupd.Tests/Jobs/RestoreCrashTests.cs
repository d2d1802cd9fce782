using System.Net.Http.Json;
using System.Text.Json;
using Backupd.TestBed;
using Backupd.Tests.Bundles;
using Backupd.Tests.Modules.WordPress;
using Backupd.Tests.Processes;
using MySqlConnector;

namespace Backupd.Tests.Jobs;

/// <summary>
/// A restore interrupted in each stage that touches the site (kill -9, SIGTERM), with a master and
/// node of their own on the collection's MariaDB and WordPress: up to the swap the live site is
/// as it was; from the swap on, the next attempt goes on where the crash left it; either way the
/// site ends exactly as backed up, with nothing staged left behind. The stages are held where the
/// kill should land by what a real site could do: a table the swap or clean-up must wait for
/// (a metadata lock held by another session), a plugin that is slow to load during the check.
/// </summary>
[Collection(JobsEndToEndCollection.Name)]
public sealed class RestoreCrashTests(JobsEndToEndFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);
    private readonly MasterProcess _master = new(extraEnvironment: new Dictionary<string, string> { ["BACKUPD_JOB_LEASE"] = "00:00:10" });
    // Open to all: the check's PHP runs as the site's owner (www-data), never as root.
    private readonly string _holdDir = OpenToAll(Directory.CreateTempSubdirectory("backupd-restore-hold-").FullName);
    private NodeProcess _node = null!;
    private MasterApi _api = null!;
    private string _nodeId = null!;
    private string _providerId = null!;

    public async Task InitializeAsync()
    {
        await _master.StartAsync();
        _api = new MasterApi(_master.Http, await _master.IssueTokenAsync());
        _node = new NodeProcess(_master.BaseUrl);
        _nodeId = await JobsEndToEndFixture.EnrolAsync(_node, _api);
        var storage = Directory.CreateTempSubdirectory("backupd-crash-restore-").FullName;
        using var provider = await _api.SendAsync(HttpMethod.Post, "/api/v1/providers", new { name = "crash restore", type = "local", path = storage });
        _providerId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task DisposeAsync()
    {
        // A PHP check held by a test must not outlive it.
        Directory.Delete(_holdDir, recursive: true);
        await _node.DisposeAsync();
        await _master.DisposeAsync();
    }

    [Theory]
    [InlineData("stage_files")]
    [InlineData("stage_database")]
    [InlineData("swap")]
    [InlineData("check")]
    [InlineData("cleanup")]
    public async Task A_node_killed_in_a_restore_stage_leaves_the_site_whole_and_the_next_attempt_ends_with_the_site_exactly_as_backed_up(string stage)
    {
        // Before the swap the kill has to land inside a stage that takes a while: a bigger site.
        var bed = await BackedUpSiteAsync(bulk: stage is "stage_files" or "stage_database");
        var site = bed.Site;
        // The clean-up case removes what was replaced, so the kill lands while it drops those tables.
        var keepReplaced = stage != "cleanup";
        await using var locker = await fixture.WordPress.Database.OpenRootConnectionAsync();
        if (stage == "swap")
        {
            // The swap's RENAME TABLE waits for this session's lock on a live table.
            await ExecuteAsync(locker, $"LOCK TABLES `{site.DatabaseName}`.`crr_options` READ");
        }

        if (stage is "check" or "cleanup")
        {
            HoldCheck();
        }

        var id = await StartRestoreAsync(bed.BackupId, keepReplaced);
        switch (stage)
        {
            case "stage_files":
                // The moment the bundle begins to be extracted beside the site.
                await WaitUntilAsync(() => Task.FromResult(Directory.EnumerateDirectories(site.RootPath, ".backupd-restore-*").Any()), stage);
                break;
            case "stage_database":
                // The import has created its first staging table.
                await WaitUntilAsync(async () => (await AllTablesAsync(site)).Any(table => !table.StartsWith(site.TablePrefix, StringComparison.Ordinal)), stage);
                break;
            case "swap":
                await WaitForWaitingStatementAsync("RENAME TABLE");
                break;
            case "check":
                await WaitForHeldCheckAsync();
                // One restore of a site at a time: a second one, while this one holds the site, is refused and touches nothing.
                var second = await WaitForEndAsync(await StartRestoreAsync(bed.BackupId, keepReplaced));
                Assert.Equal("failed", second.GetProperty("state").GetString());
                Assert.Contains($"Another restore of {site.RootPath} is running on this node", second.GetProperty("error").GetString(), StringComparison.Ordinal);
                break;
            case "cleanup":
                await WaitForHeldCheckAsync();
                var replaced = (await AllTablesAsync(site)).Single(table => table.EndsWith($"ro{Tag(id)}_options", StringComparison.Ordinal));
                await ExecuteAsync(locker, $"LOCK TABLES `{site.DatabaseName}`.`{replaced}` READ");
                ReleaseCheck();
                await WaitForWaitingStatementAsync("DROP TABLE");
                break;
        }

        await _node.KillAsync();
        // Files first: the tables are read once no lock holds them.
        var swapped = stage is "check" or "cleanup";
        Assert.Equal(swapped ? bed.BackedUpFiles : bed.ChangedFiles, TreeSnapshot.Of(bed.Content, linkMetadata: false));
        // Mid-swap the site says it is under maintenance, as WordPress does during an update.
        Assert.Equal(stage == "swap", File.Exists(Path.Combine(site.RootPath, ".maintenance")));
        await ExecuteAsync(locker, "UNLOCK TABLES");
        ReleaseCheck();
        // The server does not drop a statement whose client died while it waited for a lock: the
        // RENAME (or DROP) the node sent runs now. After the swap's, the tables are the backup's
        // and the files still the live ones: the next attempt has to finish that swap, not start over.
        await WaitUntilAsync(async () => await CountStatementsAsync("RENAME TABLE") + await CountStatementsAsync("DROP TABLE") == 0, "the dead node's statements ending");
        Assert.Equal(stage is "stage_files" or "stage_database" ? bed.ChangedTables : bed.BackedUpTables, await SiteTablesAsync(site));
        _node.Start();

        var done = await WaitForEndAsync(id);
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        Assert.Equal(2, done.GetProperty("attempts").GetInt32());
        var log = Messages(done);
        if (stage is "swap" or "check" or "cleanup")
        {
            // From the swap on, the next attempt goes on from where the kill left the restore.
            Assert.Contains(log, line => line.StartsWith($"Resuming at {stage}", StringComparison.Ordinal));
        }

        if (stage == "stage_database")
        {
            Assert.Contains(log, line => line.EndsWith("staging tables an earlier attempt left", StringComparison.Ordinal));
        }

        Assert.Equal(bed.BackedUpTables, await SiteTablesAsync(site));
        Assert.Equal(bed.BackedUpFiles, TreeSnapshot.Of(bed.Content, linkMetadata: false));
        await AssertNothingStagedAsync(site, id, keepReplaced);
    }

    [Theory]
    [InlineData("stage_database")]
    [InlineData("check")]
    public async Task A_node_stopped_with_sigterm_during_a_restore_hands_it_back_and_the_next_start_finishes_it(string stage)
    {
        var bed = await BackedUpSiteAsync(bulk: stage == "stage_database");
        var site = bed.Site;
        if (stage == "check")
        {
            HoldCheck();
        }

        var id = await StartRestoreAsync(bed.BackupId, keepReplaced: true);
        if (stage == "check")
        {
            await WaitForHeldCheckAsync();
        }
        else
        {
            await WaitUntilAsync(async () => (await AllTablesAsync(site)).Any(table => !table.StartsWith(site.TablePrefix, StringComparison.Ordinal)), stage);
        }

        Assert.Equal(0, await _node.StopAsync());
        var handedBack = await WaitForAsync(id, job => job.GetProperty("state").GetString() != "running");
        Assert.True(handedBack.GetProperty("state").GetString() == "pending", handedBack.ToString());
        if (stage == "stage_database")
        {
            // Stopped before the swap: the live site untouched, the staged copy and tables removed on the way out.
            Assert.Equal(bed.ChangedTables, await SiteTablesAsync(site));
            Assert.Equal(bed.ChangedFiles, TreeSnapshot.Of(bed.Content, linkMetadata: false));
            Assert.All(await AllTablesAsync(site), table => Assert.StartsWith(site.TablePrefix, table, StringComparison.Ordinal));
            Assert.Empty(Directory.EnumerateFileSystemEntries(site.RootPath, ".backupd-restore-*"));
        }

        ReleaseCheck();
        _node.Start();
        var done = await WaitForEndAsync(id);
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        if (stage == "check")
        {
            Assert.Contains(Messages(done), line => line.StartsWith("Resuming at check", StringComparison.Ordinal));
        }

        Assert.Equal(bed.BackedUpTables, await SiteTablesAsync(site));
        Assert.Equal(bed.BackedUpFiles, TreeSnapshot.Of(bed.Content, linkMetadata: false));
        await AssertNothingStagedAsync(site, id, keepReplaced: true);
    }

    [Fact]
    public async Task A_node_killed_while_a_discard_drops_the_kept_tables_leaves_the_site_alone_and_the_next_attempt_removes_the_rest()
    {
        var bed = await BackedUpSiteAsync(bulk: false);
        var site = bed.Site;
        var restoreId = await StartRestoreAsync(bed.BackupId, keepReplaced: true);
        var restored = await WaitForEndAsync(restoreId);
        Assert.True(restored.GetProperty("state").GetString() == "completed", restored.ToString());
        var kept = Path.Combine(site.RootPath, $"wp-content.pre-restore-{Tag(restoreId)}");
        var keptOptions = (await AllTablesAsync(site)).Single(table => table.EndsWith($"ro{Tag(restoreId)}_options", StringComparison.Ordinal));

        // The discard's DROP TABLE waits for this session's lock on a kept table; the node dies there.
        await using var locker = await fixture.WordPress.Database.OpenRootConnectionAsync();
        await ExecuteAsync(locker, $"LOCK TABLES `{site.DatabaseName}`.`{keptOptions}` READ");
        using var created = await _api.SendAsync(HttpMethod.Post, $"/api/v1/restores/{restoreId}/discard");
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == System.Net.HttpStatusCode.Created, body);
        var discardId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        await WaitForWaitingStatementAsync("DROP TABLE");
        await _node.KillAsync();
        await ExecuteAsync(locker, "UNLOCK TABLES");
        await WaitUntilAsync(async () => await CountStatementsAsync("DROP TABLE") == 0, "the dead node's statement ending");
        // The dead node's DROP ran once the lock went; the kept directory is still there, the site untouched.
        Assert.True(Directory.Exists(kept));
        Assert.Equal(bed.BackedUpTables, await SiteTablesAsync(site));
        Assert.Equal(bed.BackedUpFiles, TreeSnapshot.Of(bed.Content, linkMetadata: false));
        _node.Start();

        var done = await WaitForEndAsync(discardId);
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        Assert.Equal(2, done.GetProperty("attempts").GetInt32());
        Assert.False(Directory.Exists(kept));
        Assert.All(await AllTablesAsync(site), table => Assert.StartsWith(site.TablePrefix, table, StringComparison.Ordinal));
        Assert.Equal(bed.BackedUpTables, await SiteTablesAsync(site));
        Assert.Equal(bed.BackedUpFiles, TreeSnapshot.Of(bed.Content, linkMetadata: false));
        Assert.Equal(discardId, (await _api.GetJsonAsync($"/api/v1/jobs/{restoreId}")).GetProperty("keptCopyEnded").GetProperty("byJobId").GetString());
    }

    private sealed record BackedUpSite(
        WordPressSite Site, string Content, string BackupId,
        SortedDictionary<string, long?> BackedUpTables, List<SnapshotEntry> BackedUpFiles,
        SortedDictionary<string, long?> ChangedTables, List<SnapshotEntry> ChangedFiles);

    // A site with a must-use plugin that, while the hold file exists, stops WordPress loading
    // (as a slow plugin would) and says so; backed up, then changed (its posts deleted).
    private async Task<BackedUpSite> BackedUpSiteAsync(bool bulk)
    {
        var site = await fixture.WordPress.CreateSiteAsync(new WordPressSiteOptions { TablePrefix = "crr_" });
        var content = Path.Combine(site.RootPath, "wp-content");
        Directory.CreateDirectory(Path.Combine(content, "mu-plugins"));
        await File.WriteAllTextAsync(Path.Combine(content, "mu-plugins", "slow-start.php"),
            $"<?php $hold = '{HoldFile}'; if (file_exists($hold)) {{ touch('{HeldFile}'); while (file_exists($hold)) {{ usleep(50000); clearstatcache(); }} }}\n");
        // Loaded once, as any live site has been: its first load schedules WordPress's update checks.
        (await ProcessRunner.RunAsync("php", ["-r", $"define('WP_USE_THEMES', false); define('DISABLE_WP_CRON', true); require '{site.RootPath}/wp-load.php';"], TimeSpan.FromMinutes(1)))
            .EnsureSuccess("loading the site once");
        if (bulk)
        {
            // 40 MB of rows and 3 000 files: the staging stages last long enough for the kill to land inside them.
            await using var connection = new MySqlConnection(site.ConnectionString);
            await connection.OpenAsync();
            await ExecuteAsync(connection, "CREATE TABLE crr_bulk (id INT PRIMARY KEY, v LONGTEXT); INSERT INTO crr_bulk SELECT seq, CONCAT(seq, REPEAT(MD5(seq), 2000)) FROM seq_1_to_1500");
            var uploads = Directory.CreateDirectory(Path.Combine(content, "uploads", "bulk")).FullName;
            for (var i = 0; i < 3000; i++)
            {
                await File.WriteAllBytesAsync(Path.Combine(uploads, $"f{i}.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096));
            }
        }

        var backupId = await _api.CreateJobAsync(_nodeId, _providerId, new { path = site.RootPath });
        var backup = await WaitForEndAsync(backupId);
        Assert.True(backup.GetProperty("state").GetString() == "completed", backup.ToString());
        var backedUpTables = await SiteTablesAsync(site);
        var backedUpFiles = TreeSnapshot.Of(content, linkMetadata: false);
        await using (var connection = new MySqlConnection(site.ConnectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "DELETE FROM crr_posts");
        }

        var changedTables = await SiteTablesAsync(site);
        Assert.NotEqual(backedUpTables, changedTables);
        return new BackedUpSite(site, content, backupId, backedUpTables, backedUpFiles, changedTables, TreeSnapshot.Of(content, linkMetadata: false));
    }

    private string HoldFile => Path.Combine(_holdDir, "hold");

    private static string OpenToAll(string directory)
    {
        File.SetUnixFileMode(directory, (UnixFileMode)0x1FF);
        return directory;
    }

    private string HeldFile => Path.Combine(_holdDir, "held");

    private void HoldCheck() => File.WriteAllText(HoldFile, string.Empty);

    private void ReleaseCheck() => File.Delete(HoldFile);

    // The restore's check has PHP loading the restored site, held in the plugin.
    private Task WaitForHeldCheckAsync() => WaitUntilAsync(() => Task.FromResult(File.Exists(HeldFile)), "check");

    private async Task<string> StartRestoreAsync(string backupId, bool keepReplaced)
    {
        using var created = await _api.SendAsync(HttpMethod.Post, "/api/v1/restores", new { jobId = backupId, safetyBackup = keepReplaced });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == System.Net.HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private async Task AssertNothingStagedAsync(WordPressSite site, string id, bool keepReplaced)
    {
        var tag = Tag(id);
        // What the restore replaced is kept (renamed) when asked, and removed otherwise; nothing staged is left anywhere.
        Assert.All(await AllTablesAsync(site), table => Assert.Matches(keepReplaced ? $"^({site.TablePrefix}|[bzq]ro{tag}_)" : $"^{site.TablePrefix}", table));
        Assert.Equal(keepReplaced, Directory.Exists(Path.Combine(site.RootPath, $"wp-content.pre-restore-{tag}")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(site.RootPath, ".backupd-restore-*"));
        Assert.False(File.Exists(Path.Combine(site.RootPath, ".maintenance")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_node.DataDir, "work")));
    }

    // The tag every name of a restore job carries: the first 8 hex digits of its id's SHA-256.
    private static string Tag(string id) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)))[..8];

    // The node's statement waits for a metadata lock another session holds.
    private async Task WaitForWaitingStatementAsync(string start) =>
        await WaitUntilAsync(async () => await CountStatementsAsync(start, "Waiting for table metadata lock") > 0, $"a {start} waiting for its lock");

    private async Task<long> CountStatementsAsync(string start, string? state = null)
    {
        await using var root = await fixture.WordPress.Database.OpenRootConnectionAsync();
        await using var count = new MySqlCommand("SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE @start AND (@state IS NULL OR state = @state)", root);
        count.Parameters.AddWithValue("@start", start + "%");
        count.Parameters.AddWithValue("@state", state);
        return Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> reached, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await reached())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the restore never reached {what}");
            await Task.Delay(5);
        }
    }

    private Task<JsonElement> WaitForEndAsync(string id) =>
        WaitForAsync(id, job => job.GetProperty("state").GetString() is "completed" or "failed" or "cancelled");

    private async Task<JsonElement> WaitForAsync(string id, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        JsonElement job;
        while (!done(job = await _api.GetJsonAsync($"/api/v1/jobs/{id}")))
        {
            Assert.True(DateTime.UtcNow < deadline, $"job {id} did not get there in time: {job}");
            await Task.Delay(100);
        }

        return job;
    }

    // The site's own tables (its prefix), each with its checksum.
    private Task<SortedDictionary<string, long?>> SiteTablesAsync(WordPressSite site) => SiteTableChecksums.OfAsync(fixture.WordPress, site);

    private async Task<List<string>> AllTablesAsync(WordPressSite site)
    {
        await using var root = await fixture.WordPress.Database.OpenRootConnectionAsync();
        await using var list = new MySqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = @db", root);
        list.Parameters.AddWithValue("@db", site.DatabaseName);
        var tables = new List<string>();
        await using var reader = await list.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static List<string> Messages(JsonElement job) => RestoreJobs.Messages(job);
}
