using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backupd.TestBed;
using Backupd.Tests.Bundles;
using Backupd.Tests.Processes;
using MySqlConnector;

namespace Backupd.Tests.Jobs;

/// <summary>
/// A WordPress backup through the whole product: REST → master grains → a real node process →
/// mysqldump on real MariaDB → tar + zstd → local storage, then restored with plain tools.
/// </summary>
[Collection(JobsEndToEndCollection.Name)]
public sealed partial class WordPressJobEndToEndTests(JobsEndToEndFixture fixture)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_wordpress_job_stores_a_bundle_whose_dump_and_files_restore_to_the_same_site()
    {
        var site = await fixture.WordPress.CreateSiteAsync(new WordPressSiteOptions { TablePrefix = "e2e_" });
        var content = Path.Combine(site.RootPath, "wp-content");
        File.CreateSymbolicLink(Path.Combine(content, "uploads", "latest-image"), WordPressSite.ImageUploadName);
        Directory.CreateDirectory(Path.Combine(content, "empty-dir"));
        var privateFile = Path.Combine(content, "private.txt");
        await File.WriteAllTextAsync(privateFile, "only the owner reads this");
        File.SetUnixFileMode(privateFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.CreateDirectory(Path.Combine(content, "cache"));
        await File.WriteAllTextAsync(Path.Combine(content, "cache", "page.html"), "excluded");

        var id = await fixture.CreateJobAsync(new { path = site.RootPath, exclude = new[] { "cache" } });
        var job = await fixture.WaitForJobAsync(id, JobsEndToEndFixture.IsFinished, JobTimeout);

        Assert.True(job.GetProperty("state").GetString() == "completed", job.ToString());
        Assert.All(job.GetProperty("stages").EnumerateArray(), stage => Assert.Equal("completed", stage.GetProperty("status").GetString()));
        var result = job.GetProperty("result");
        var key = result.GetProperty("objectKey").GetString()!;
        Assert.Matches($"^{JobsEndToEndFixture.ProviderPrefix}/{fixture.NodeId}/wordpress/{site.Name}.wordpress.test/\\d{{8}}T\\d{{6}}Z-{id}\\.tar\\.zst$", key);
        var bundle = Path.Combine(fixture.StorageDir, key);
        Assert.Equal(result.GetProperty("size").GetInt64(), new FileInfo(bundle).Length);
        await using (var stream = File.OpenRead(bundle))
        {
            Assert.Equal(result.GetProperty("sha256").GetString(), Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)));
        }

        await AssertBundleCheckAsync(bundle, result.GetProperty("sha256").GetString()!);

        var restored = Directory.CreateTempSubdirectory("backupd-restore-").FullName;
        try
        {
            // Plain zstd and tar open it (a zstd checksum error fails the pipeline too): no backupd needed to restore.
            await SystemTar.ExtractAsync(bundle, restored);

            var expected = TreeSnapshot.Of(content, linkMetadata: false).Where(e => e.Path != "cache" && !e.Path.StartsWith("cache/", StringComparison.Ordinal));
            Assert.Equal(expected, TreeSnapshot.Of(Path.Combine(restored, "wp-content"), linkMetadata: false));

            var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(restored, "manifest.json"))).RootElement;
            Assert.Equal(site.SiteUrl, manifest.GetProperty("site").GetProperty("url").GetString());
            Assert.Equal("e2e_", manifest.GetProperty("site").GetProperty("tablePrefix").GetString());
            Assert.False(string.IsNullOrEmpty(manifest.GetProperty("site").GetProperty("wordpressVersion").GetString()));
            await using (var dump = File.OpenRead(Path.Combine(restored, "database.sql")))
            {
                Assert.Equal(manifest.GetProperty("database").GetProperty("sha256").GetString(), Convert.ToHexStringLower(await SHA256.HashDataAsync(dump)));
            }

            var image = manifest.GetProperty("files").GetProperty("entries").EnumerateArray()
                .Single(e => e.GetProperty("path").GetString() == $"wp-content/{Path.GetRelativePath(content, site.PathOf(site.Content.Attachments[0]))}");
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(site.PathOf(site.Content.Attachments[0])))), image.GetProperty("sha256").GetString());

            await AssertDumpRestoresSameTablesAsync(site, Path.Combine(restored, "database.sql"));
        }
        finally
        {
            Directory.Delete(restored, recursive: true);
        }

        Assert.False(Directory.Exists(Path.Combine(fixture.Node.DataDir, "work", id)));
        Assert.DoesNotContain(site.DatabasePassword, fixture.Master.Output);
        Assert.DoesNotContain(site.DatabasePassword, fixture.Node.Process.Output);
        Assert.DoesNotContain(site.DatabasePassword, job.ToString());
    }

    // `backupd bundle check`, as an admin runs it on a copy: the stored bundle is whole; one changed byte or the wrong record is said so.
    private static async Task AssertBundleCheckAsync(string bundle, string sha256)
    {
        var (exitCode, output) = await BackupdProcess.RunAsync(["bundle", "check", bundle, "--sha256", sha256], new Dictionary<string, string>());
        Assert.True(exitCode == 0, output);
        Assert.Matches(@"is whole: [1-9]\d* files .*, a [1-9]\d*-byte database dump, each as its manifest lists it, and the SHA-256 the job recorded", output);

        var copy = Path.Combine(Directory.CreateTempSubdirectory("backupd-check-").FullName, "copy.tar.zst");
        try
        {
            var bytes = await File.ReadAllBytesAsync(bundle);
            bytes[bytes.Length / 2] ^= 0x01;
            await File.WriteAllBytesAsync(copy, bytes);
            (exitCode, output) = await BackupdProcess.RunAsync(["bundle", "check", copy], new Dictionary<string, string>());
            Assert.True(exitCode == 1, output);
            Assert.Contains("copy.tar.zst is not whole. The bundle ", output, StringComparison.Ordinal);

            (exitCode, output) = await BackupdProcess.RunAsync(["bundle", "check", bundle, "--sha256", new string('0', 64)], new Dictionary<string, string>());
            Assert.True(exitCode == 1, output);
            Assert.Contains("is not the bundle the job stored", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_running_job_cancelled_midway_stops_its_upload_cleans_up_and_ends_cancelled()
    {
        // A job that ends with its upload cancelled, not completed, was stopped midway. How fast a
        // cancel lands is a figure for the benchmarks, not a window for a test on a loaded machine.
        var site = await CreateSiteWithLongUploadAsync();

        var id = await fixture.CreateJobAsync(new { path = site.RootPath });
        await fixture.WaitForJobAsync(id, job => StageStatus(job, "upload_remote") == "running" || JobsEndToEndFixture.IsFinished(job), JobTimeout);
        using (var cancel = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{id}/cancel"))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var job = await fixture.WaitForJobAsync(id, JobsEndToEndFixture.IsFinished, JobTimeout);

        Assert.True(job.GetProperty("state").GetString() == "cancelled", job.ToString());
        Assert.Equal("cancelled", StageStatus(job, "upload_remote"));
        Assert.Equal("completed", StageStatus(job, "cleanup"));
        Assert.False(Directory.Exists(Path.Combine(fixture.Node.DataDir, "work", id)));
        Assert.Empty(Directory.EnumerateFiles(fixture.StorageDir, $"*{id}*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_node_killed_mid_upload_keeps_only_its_finished_bundle_resumes_with_it_and_then_leaves_no_work_dir()
    {
        var site = await CreateSiteWithLongUploadAsync();
        var id = await fixture.CreateJobAsync(new { path = site.RootPath });
        await fixture.WaitForJobAsync(id, job => StageStatus(job, "upload_remote") == "running" || JobsEndToEndFixture.IsFinished(job), JobTimeout);
        var workDir = Path.Combine(fixture.Node.DataDir, "work", id);
        // Something a crash leaves beside the bundle, which the restarted node must not keep.
        await File.WriteAllTextAsync(Path.Combine(workDir, "database.sql.spool"), "half a dump");

        await fixture.Node.KillAsync();
        Assert.True(Directory.Exists(workDir), "a killed node cannot have cleaned up");
        fixture.Node.Start();

        await fixture.Node.Process.WaitForOutputAsync($"Kept the finished work in {Regex.Escape(workDir)} for its job's next attempt", TimeSpan.FromSeconds(60));
        Assert.False(File.Exists(Path.Combine(workDir, "database.sql.spool")));
        var done = await fixture.WaitForJobAsync(id, JobsEndToEndFixture.IsFinished, JobTimeout);
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        Assert.Contains(done.GetProperty("log").EnumerateArray(), line => line.GetProperty("message").GetString()!.StartsWith("Resuming at upload_remote", StringComparison.Ordinal));
        // A local folder copy starts again, to the same place: one bundle, no partial copy left.
        Assert.Single(Directory.EnumerateFiles(fixture.StorageDir, $"*{id}*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(workDir));
    }

    // Incompressible, so that its upload at the node's bandwidth limit takes about 30 s.
    private async Task<WordPressSite> CreateSiteWithLongUploadAsync()
    {
        var site = await fixture.WordPress.CreateSiteAsync();
        await File.WriteAllBytesAsync(Path.Combine(site.UploadsPath, "big.bin"), RandomNumberGenerator.GetBytes(JobsEndToEndFixture.NodeBandwidthMbps * 1_000_000 / 8 * 30));
        return site;
    }

    [Fact]
    public async Task A_pending_job_is_cancelled_at_once()
    {
        // A node that is approved but never connects: its jobs wait in its queue.
        var idleNode = (await NodeEnrolment.EnrolAsync(fixture.Api)).NodeId;
        using var create = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/jobs", new { nodeId = idleNode, module = "wordpress", config = new { path = "/srv/www/idle" }, providerId = fixture.ProviderId });
        var id = (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal("pending", (await fixture.GetJobAsync(id)).GetProperty("state").GetString());

        using var cancel = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{id}/cancel");
        var cancelled = await cancel.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        var listed = await fixture.Api.GetJsonAsync($"/api/v1/jobs?nodeId={idleNode}&state=cancelled");
        Assert.Equal(id, listed.GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_wrong_database_password_fails_the_job_with_a_clear_reason_and_never_shows_the_password()
    {
        const string wrongPassword = "not-the-password-7Qx";
        var site = fixture.WordPress.Site;

        var id = await fixture.CreateJobAsync(new { path = site.RootPath, db = new { password = wrongPassword } });
        var job = await fixture.WaitForJobAsync(id, JobsEndToEndFixture.IsFinished, JobTimeout);

        Assert.True(job.GetProperty("state").GetString() == "failed", job.ToString());
        var error = job.GetProperty("error").GetString()!;
        Assert.StartsWith("backup_db:", error, StringComparison.Ordinal);
        Assert.Contains(site.DatabaseUser, error, StringComparison.Ordinal);
        Assert.Contains("password", error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("failed", StageStatus(job, "backup_db"));
        // backup_files ran alongside the dump and was stopped by its failure, not failed in its own right.
        Assert.Equal("cancelled", StageStatus(job, "backup_files"));
        Assert.Equal("skipped", StageStatus(job, "upload_remote"));
        Assert.Equal("completed", StageStatus(job, "cleanup"));
        Assert.DoesNotContain(wrongPassword, job.ToString());
        Assert.DoesNotContain(wrongPassword, fixture.Master.Output);
        Assert.DoesNotContain(wrongPassword, fixture.Node.Process.Output);
        SecretScan.AssertNotInFiles(fixture.Master.DataDir, wrongPassword);
        Assert.False(Directory.Exists(Path.Combine(fixture.Node.DataDir, "work", id)));
    }

    [Fact]
    public async Task A_backup_larger_than_the_free_space_fails_in_backup_db_before_dumping_anything()
    {
        var site = await fixture.WordPress.CreateSiteAsync();
        // Sparse: 10 TiB to whoever reads it, a few blocks on disk; more than any test machine has free.
        await using (var huge = File.Create(Path.Combine(site.UploadsPath, "disk-image.img")))
        {
            huge.SetLength(10L << 40);
        }

        var id = await fixture.CreateJobAsync(new { path = site.RootPath });
        JsonElement job;
        try
        {
            job = await fixture.WaitForJobAsync(id, JobsEndToEndFixture.IsFinished, JobTimeout);
        }
        finally
        {
            // Were the check gone, the node would be reading 10 TiB long after this test: stop it.
            (await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{id}/cancel")).Dispose();
        }

        Assert.True(job.GetProperty("state").GetString() == "failed", job.ToString());
        var error = job.GetProperty("error").GetString()!;
        Assert.StartsWith($"backup_db: Not enough free space in {Path.Combine(fixture.Node.DataDir, "work", id)}: ", error, StringComparison.Ordinal);
        Assert.Contains(", wp-content 10240.", error, StringComparison.Ordinal);
        Assert.EndsWith(" GiB). Free some space, or set BACKUPD_DATA_DIR to a larger disk.", error, StringComparison.Ordinal);
        var dump = job.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "backup_db");
        Assert.Equal("failed", dump.GetProperty("status").GetString());
        Assert.Equal(0, dump.GetProperty("bytesDone").GetInt64());
        Assert.NotEqual("completed", StageStatus(job, "backup_files"));
        Assert.Equal("skipped", StageStatus(job, "upload_remote"));
        Assert.Equal("completed", StageStatus(job, "cleanup"));
        Assert.Empty(Directory.EnumerateFiles(fixture.StorageDir, $"*{id}*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(fixture.Node.DataDir, "work", id)));
    }

    private static string? StageStatus(JsonElement job, string stage) =>
        job.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("name").GetString() == stage).GetProperty("status").GetString();

    private async Task AssertDumpRestoresSameTablesAsync(WordPressSite site, string dumpPath)
    {
        var restoredDb = $"restore_{site.Name}";
        await using var root = await fixture.WordPress.Database.OpenRootConnectionAsync();
        await using (var create = new MySqlCommand($"CREATE DATABASE `{restoredDb}`", root))
        {
            await create.ExecuteNonQueryAsync();
        }

        (await ProcessRunner.RunAsync("sh", ["-c", "mariadb --socket=\"$0\" -uroot \"$1\" < \"$2\"", fixture.WordPress.Database.SocketPath, restoredDb, dumpPath], TimeSpan.FromMinutes(1)))
            .EnsureSuccess("importing the dump");

        var tables = new List<string>();
        await using (var list = new MySqlCommand($"SELECT table_name FROM information_schema.tables WHERE table_schema = '{site.DatabaseName}' ORDER BY table_name", root))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains($"{site.TablePrefix}options", tables);
        foreach (var table in tables)
        {
            var source = await ChecksumAsync(root, site.DatabaseName, table);
            Assert.NotNull(source);
            Assert.Equal(source, await ChecksumAsync(root, restoredDb, table));
        }
    }

    private static async Task<long?> ChecksumAsync(MySqlConnection connection, string database, string table)
    {
        await using var command = new MySqlCommand($"CHECKSUM TABLE `{database}`.`{table}`", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return reader.IsDBNull(1) ? null : reader.GetInt64(1);
    }
}
