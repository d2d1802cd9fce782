using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3.Model;
using Backupd.TestBed;
using Backupd.Tests.Processes;
using Backupd.Tests.Storage;

namespace Backupd.Tests.Jobs;

/// <summary>
/// Crashes (kill -9) of a master or a node at chosen moments of a job that uploads to S3, with a
/// master and node of their own (the collection's WordPress and s3rver): the job ends completed,
/// once, with one bundle, and no attempt spent on what the crash did not destroy.
/// </summary>
[Collection(JobsEndToEndCollection.Name)]
public sealed class JobCrashTests(JobsEndToEndFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private const int BandwidthMbps = 16;
    private readonly MasterProcess _master = new(extraEnvironment: new Dictionary<string, string> { ["BACKUPD_JOB_LEASE"] = "00:00:10" });
    private NodeProcess _node = null!;
    private MasterApi _api = null!;
    private string _nodeId = null!;

    public async Task InitializeAsync()
    {
        await _master.StartAsync();
        _api = new MasterApi(_master.Http, await _master.IssueTokenAsync());
        _node = new NodeProcess(_master.BaseUrl, new Dictionary<string, string>
        {
            ["BACKUPD_MAX_BANDWIDTH_MBPS"] = BandwidthMbps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BACKUPD_S3_PART_SIZE_MIB"] = "5",
        });
        _nodeId = await JobsEndToEndFixture.EnrolAsync(_node, _api);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _master.DisposeAsync();
    }

    [Fact]
    public async Task A_master_killed_during_the_upload_and_down_past_the_lease_does_not_cost_the_backup_or_an_attempt()
    {
        var prefix = S3TestSetup.UniquePrefix("master-crash");
        // The proxy adds what s3rver lacks (listing and aborting multipart uploads), no faults.
        await using var proxy = new S3FaultProxy(fixture.S3);
        var providerId = await CreateProviderAsync(proxy, prefix);
        var id = await CreateLongUploadJobAsync(providerId);
        await WaitForAsync(id, job => UploadedBytes(job) > 2 * 1024 * 1024, TimeSpan.FromMinutes(2));

        await _master.Process.KillAsync();
        await Task.Delay(Lease * 2);
        await _master.StartAsync();

        var done = await WaitForCompletedAsync(id, attempts: 1, TimeSpan.FromMinutes(3));
        await AssertStoredOnceAsync(done, prefix, proxy);
        // The job says what happened to it.
        Assert.Contains(done.GetProperty("log").EnumerateArray(), line => line.GetProperty("message").GetString()!.Contains("waiting for the master", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_killed_after_the_master_checked_its_bundle_is_not_run_again()
    {
        var prefix = S3TestSetup.UniquePrefix("node-crash");
        var killed = 0;
        // The master's check of the stored copy begins with a HEAD: the node, waiting for the
        // answer, dies there, and never reports the job's end.
        await using var proxy = new S3FaultProxy(fixture.S3)
        {
            OnRequest = request =>
            {
                if (request.Method == "HEAD" && Interlocked.Exchange(ref killed, 1) == 0)
                {
                    _node.KillAsync().GetAwaiter().GetResult();
                }
            },
        };
        var providerId = await CreateProviderAsync(proxy, prefix);
        using var create = await _api.SendAsync(HttpMethod.Post, "/api/v1/jobs", new { nodeId = _nodeId, module = "wordpress", config = new { path = fixture.WordPress.Site.RootPath }, providerId });
        var id = (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var done = await WaitForCompletedAsync(id, attempts: 1, TimeSpan.FromMinutes(2));

        Assert.Equal(1, killed);
        Assert.Contains(done.GetProperty("log").EnumerateArray(), line => line.GetProperty("message").GetString()!.Contains("after the master had checked its bundle", StringComparison.Ordinal));
        await AssertStoredOnceAsync(done, prefix, proxy);
        _node.Start();
        await _node.Process.WaitForOutputAsync($"Connected to the master as node {_nodeId}", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_node_killed_mid_upload_resumes_it_from_the_parts_stored_when_it_restarts_and_stores_the_bundle_once()
    {
        var prefix = S3TestSetup.UniquePrefix("node-killed-mid-upload");
        var restarted = false;
        var partsAfterRestart = new System.Collections.Concurrent.ConcurrentBag<int>();
        await using var proxy = new S3FaultProxy(fixture.S3)
        {
            OnRequest = request =>
            {
                if (restarted && request.IsUploadPart)
                {
                    partsAfterRestart.Add(request.PartNumber);
                }
            },
        };
        var providerId = await CreateProviderAsync(proxy, prefix);
        var id = await CreateLongUploadJobAsync(providerId);
        // Two of the six 5 MiB parts are stored (they go two at a time), the next two under way.
        var before = await WaitForAsync(id, job => UploadedBytes(job) > 12 * 1024 * 1024, TimeSpan.FromMinutes(2));
        var placedAt = PlacedKeys(before).Single();

        await _node.KillAsync();
        Assert.NotEmpty(await S3TestSetup.OpenUploadsAsync(fixture.S3, proxy, prefix + "/", CancellationToken.None));
        restarted = true;
        _node.Start();

        var done = await WaitForCompletedAsync(id, attempts: 2, TimeSpan.FromMinutes(3));
        var log = done.GetProperty("log").EnumerateArray().Select(line => line.GetProperty("message").GetString()!).ToList();
        // Handed back at once by the restarted node (no lease lapsed, the start not counted)...
        Assert.Contains(log, line => line.Contains("(the node restarted after it stopped unexpectedly). Back in the queue at once", StringComparison.Ordinal));
        Assert.DoesNotContain(log, line => line.Contains("its lease lapsed", StringComparison.Ordinal));
        // ...then resumed: the bundle not made again, the same key, the same upload, the stored parts not sent again.
        Assert.Contains(log, line => line.StartsWith("Resuming at upload_remote", StringComparison.Ordinal));
        Assert.Contains(log, line => line.StartsWith($"Bundle placed at {placedAt} again", StringComparison.Ordinal) && line.Contains("goes on from the parts already stored", StringComparison.Ordinal));
        Assert.DoesNotContain(log, line => line.StartsWith("Aborted the unfinished upload", StringComparison.Ordinal));
        Assert.All(done.GetProperty("stages").EnumerateArray().Take(3), stage => Assert.Equal("Done in an earlier attempt; its work was kept", stage.GetProperty("message").GetString()));
        Assert.Equal(placedAt, done.GetProperty("result").GetProperty("objectKey").GetString());
        Assert.DoesNotContain(1, partsAfterRestart);
        Assert.DoesNotContain(2, partsAfterRestart);
        Assert.Contains(6, partsAfterRestart);
        await AssertStoredOnceAsync(done, prefix, proxy);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_node.DataDir, "work")));
    }

    [Fact]
    public async Task A_node_killed_while_writing_the_bundle_runs_the_job_again_from_the_start_once_restarted()
    {
        var prefix = S3TestSetup.UniquePrefix("node-killed-in-bundle");
        await using var proxy = new S3FaultProxy(fixture.S3);
        var providerId = await CreateProviderAsync(proxy, prefix);
        var id = await CreateLongUploadJobAsync(providerId);
        await WhileWritingTheBundleAsync(id);

        await _node.KillAsync();
        _node.Start();

        var done = await WaitForCompletedAsync(id, attempts: 2, TimeSpan.FromMinutes(3));
        var log = done.GetProperty("log").EnumerateArray().Select(line => line.GetProperty("message").GetString()!).ToList();
        Assert.Contains(log, line => line.Contains("(the node restarted after it stopped unexpectedly). Back in the queue at once", StringComparison.Ordinal));
        // Nothing finished to resume from: the half-written bundle went, the stages ran again.
        Assert.DoesNotContain(log, line => line.StartsWith("Resuming", StringComparison.Ordinal));
        Assert.All(done.GetProperty("stages").EnumerateArray(), stage => Assert.NotEqual("Done in an earlier attempt; its work was kept", stage.GetProperty("message").GetString()));
        await AssertStoredOnceAsync(done, prefix, proxy);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_node.DataDir, "work")));
    }

    [Fact]
    public async Task A_master_killed_while_the_node_writes_the_bundle_costs_the_job_nothing()
    {
        var prefix = S3TestSetup.UniquePrefix("master-killed-in-bundle");
        await using var proxy = new S3FaultProxy(fixture.S3);
        var providerId = await CreateProviderAsync(proxy, prefix);
        var id = await CreateLongUploadJobAsync(providerId);
        await WhileWritingTheBundleAsync(id);

        await _master.Process.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await _master.StartAsync();

        var done = await WaitForCompletedAsync(id, attempts: 1, TimeSpan.FromMinutes(3));
        Assert.DoesNotContain(done.GetProperty("log").EnumerateArray(), line => line.GetProperty("message").GetString()!.Contains("lease lapsed", StringComparison.Ordinal));
        await AssertStoredOnceAsync(done, prefix, proxy);
    }

    // Returns while the node writes the job's bundle: its file is in the work directory, its
    // checkpoint (written once the bundle is finished) is not.
    private async Task WhileWritingTheBundleAsync(string id)
    {
        var work = Path.Combine(_node.DataDir, "work", id);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!(File.Exists(Path.Combine(work, "bundle.tar.zst")) && !File.Exists(Path.Combine(work, ".backupd-checkpoint.json"))))
        {
            Assert.True(DateTime.UtcNow < deadline, $"job {id} never wrote its bundle");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task A_cancel_whose_abort_the_store_refuses_says_so_with_the_command_that_cleans_up()
    {
        var prefix = S3TestSetup.UniquePrefix("abort-refused");
        // The provider's key may write but not abort: every abort is refused, the node's and the master's.
        await using var proxy = new S3FaultProxy(fixture.S3) { Faults = request => request.IsAbort ? ProxyFault.AccessDenied : ProxyFault.None };
        var providerId = await CreateProviderAsync(proxy, prefix);
        var id = await CreateLongUploadJobAsync(providerId);
        await WaitForAsync(id, job => UploadedBytes(job) > 2 * 1024 * 1024, TimeSpan.FromMinutes(2));

        using (var cancel = await _api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{id}/cancel"))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var done = await WaitForAsync(id, job => job.GetProperty("state").GetString() is "cancelled" or "failed" or "completed"
            && job.GetProperty("log").EnumerateArray().Any(line => line.GetProperty("message").GetString()!.StartsWith("Could not abort", StringComparison.Ordinal)), TimeSpan.FromMinutes(2));
        Assert.Equal("cancelled", done.GetProperty("state").GetString());
        var report = done.GetProperty("log").EnumerateArray().Select(line => line.GetProperty("message").GetString()!).Single(line => line.StartsWith("Could not abort", StringComparison.Ordinal));
        Assert.Contains($"aws s3api abort-multipart-upload --bucket {fixture.S3.BucketName} --key {prefix}/", report, StringComparison.Ordinal);
        Assert.Contains("AccessDenied", report, StringComparison.Ordinal);
        // Reported, not claimed: the parts are still there.
        Assert.NotEmpty(await S3TestSetup.OpenUploadsAsync(fixture.S3, proxy, prefix + "/", CancellationToken.None));
    }

    [Fact]
    public async Task A_node_stopped_with_sigterm_hands_its_job_back_which_runs_again_at_once_without_using_an_attempt()
    {
        var prefix = S3TestSetup.UniquePrefix("node-sigterm");
        await using var proxy = new S3FaultProxy(fixture.S3);
        var providerId = await CreateProviderAsync(proxy, prefix);
        // One attempt only: a stop that counted as one would fail the job.
        var id = await CreateLongUploadJobAsync(providerId, maxAttempts: 1);
        await WaitForAsync(id, job => UploadedBytes(job) > 2 * 1024 * 1024, TimeSpan.FromMinutes(2));

        var stopped = DateTime.UtcNow;
        Assert.Equal(0, await _node.StopAsync());
        Assert.Contains($"Job {id}: interrupted by shutdown and handed back to the master", _node.Process.Output, StringComparison.Ordinal);
        var requeued = await WaitForAsync(id, job => job.GetProperty("state").GetString() != "running", TimeSpan.FromMinutes(1));
        Assert.True(requeued.GetProperty("state").GetString() == "pending", requeued.ToString());
        // Queued again by the node's word, not by a lease lapsing.
        Assert.True(DateTime.UtcNow - stopped < Lease, $"re-queued {(DateTime.UtcNow - stopped).TotalSeconds:0.0} s after the stop");
        Assert.Contains(requeued.GetProperty("log").EnumerateArray(), line => line.GetProperty("message").GetString()!.Contains("stopped before the job ended (the node is shutting down). Back in the queue at once", StringComparison.Ordinal));

        _node.Start();
        var done = await WaitForCompletedAsync(id, attempts: 2, TimeSpan.FromMinutes(3));
        // The bundle was finished before the stop: the node kept it, and the upload it left open, and went on with both.
        var log = done.GetProperty("log").EnumerateArray().Select(line => line.GetProperty("message").GetString()!).ToList();
        Assert.Contains(log, line => line.StartsWith("Resuming at upload_remote", StringComparison.Ordinal));
        Assert.Contains(log, line => line.Contains("goes on from the parts already stored", StringComparison.Ordinal));
        await AssertStoredOnceAsync(done, prefix, proxy);
    }

    [Fact]
    public async Task A_finished_backup_survives_the_master_and_then_the_node_dying_before_it_was_reported()
    {
        var storageDir = Directory.CreateTempSubdirectory("backupd-crash-storage-").FullName;
        try
        {
            using var provider = await _api.SendAsync(HttpMethod.Post, "/api/v1/providers", new { name = "crash-local", type = "local", path = storageDir });
            Assert.Equal(HttpStatusCode.Created, provider.StatusCode);
            var providerId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            var id = await CreateLongUploadJobAsync(providerId);
            await WaitForAsync(id, job => UploadedBytes(job) > 2 * 1024 * 1024, TimeSpan.FromMinutes(2));

            // The master dies mid-copy; the node finishes the copy and keeps its outcome, then dies too.
            await _master.Process.KillAsync();
            var outcomes = Path.Combine(_node.DataDir, "outcomes");
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!(Directory.Exists(outcomes) && Directory.EnumerateFiles(outcomes, "*.json").Any()))
            {
                Assert.True(DateTime.UtcNow < deadline, "the node kept no outcome");
                await Task.Delay(200);
            }

            await _node.KillAsync();
            await _master.StartAsync();
            // With its node gone past the lease, the job goes back to its queue, as it must.
            await WaitForAsync(id, job => job.GetProperty("state").GetString() != "running", TimeSpan.FromMinutes(1));
            _node.Start();

            var done = await WaitForCompletedAsync(id, attempts: 1, TimeSpan.FromMinutes(2));
            Assert.Contains(done.GetProperty("log").EnumerateArray(), line => line.GetProperty("message").GetString()!.Contains("for attempt 1 after its lease had lapsed", StringComparison.Ordinal));
            await _node.Process.WaitForOutputAsync($"Job {id}: delivered the outcome \\(Completed\\) of attempt 1", TimeSpan.FromSeconds(10));
            var bundles = Directory.EnumerateFiles(storageDir, "*", SearchOption.AllDirectories).ToList();
            Assert.Equal([Path.Combine(storageDir, done.GetProperty("result").GetProperty("objectKey").GetString()!)], bundles);
            Assert.Empty(Directory.EnumerateFiles(outcomes));
            await _node.Process.WaitForOutputAsync($"Connected to the master as node {_nodeId}", TimeSpan.FromSeconds(30));
        }
        finally
        {
            Directory.Delete(storageDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_store_down_for_30_seconds_mid_upload_costs_a_wait_not_the_backup()
    {
        var prefix = S3TestSetup.UniquePrefix("store-outage");
        long outageStart = 0;
        var outage = TimeSpan.FromSeconds(30);
        // From the first part on, the store answers 500 to everything for 30 s, the master's requests included.
        await using var proxy = new S3FaultProxy(fixture.S3)
        {
            Faults = request =>
            {
                if (request.IsUploadPart)
                {
                    Interlocked.CompareExchange(ref outageStart, DateTime.UtcNow.Ticks, 0);
                }

                var start = Interlocked.Read(ref outageStart);
                return start != 0 && DateTime.UtcNow.Ticks - start < outage.Ticks ? ProxyFault.InternalError : ProxyFault.None;
            },
        };
        var providerId = await CreateProviderAsync(proxy, prefix);
        var id = await CreateLongUploadJobAsync(providerId);

        var done = await WaitForCompletedAsync(id, attempts: 1, TimeSpan.FromMinutes(4));
        Assert.Contains(done.GetProperty("log").EnumerateArray(), line => line.GetProperty("message").GetString()!.StartsWith("upload_remote failed for a reason that may pass", StringComparison.Ordinal));
        await AssertStoredOnceAsync(done, prefix, proxy);
    }

    [Fact]
    public async Task Uploads_left_open_and_bundles_no_job_record_claims_are_removed_by_the_master_once_old_enough_and_nothing_else()
    {
        var prefix = S3TestSetup.UniquePrefix("leftover-sweep");
        await using var proxy = new S3FaultProxy(fixture.S3);
        var providerId = await CreateProviderAsync(proxy, prefix);
        var site = await fixture.WordPress.CreateSiteAsync();
        using var create = await _api.SendAsync(HttpMethod.Post, "/api/v1/jobs", new { nodeId = _nodeId, module = "wordpress", config = new { path = site.RootPath }, providerId });
        var done = await WaitForCompletedAsync((await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, attempts: 1, TimeSpan.FromMinutes(2));
        var bundle = done.GetProperty("result").GetProperty("objectKey").GetString()!;
        var siteFolder = bundle[..(bundle.LastIndexOf('/') + 1)];
        using var s3 = fixture.S3.CreateClient();
        // What a master that went down while a later attempt made the bundle again leaves: the
        // earlier attempt's whole object, under the job's key with an earlier time.
        var disowned = $"{siteFolder}20261201T000000Z-{done.GetProperty("id").GetString()}.tar.zst";
        // A bundle of a job the master has no record of: what a master that lost its database sees of every backup.
        var unknownJob = $"{siteFolder}20261201T000000Z-0123456789abcdef0123456789abcdef.tar.zst";
        // Someone else's object in a shared bucket.
        var foreignObject = $"{prefix}/other-software/photo.jpg";
        foreach (var key in new[] { disowned, unknownJob, foreignObject })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = fixture.S3.BucketName, Key = key, ContentBody = "leftover" });
        }

        // Parts a crash of the master left behind: an upload no job record knows; and someone else's upload, not a bundle's key.
        var orphan = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = fixture.S3.BucketName, Key = $"{prefix}/n1/wordpress/site/20261202T000000Z-0123456789abcdef0123456789abcdef.tar.zst" });
        var foreign = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = fixture.S3.BucketName, Key = $"{prefix}/other-software/video.mp4" });
        Assert.Equal(2, (await S3TestSetup.OpenUploadsAsync(fixture.S3, proxy, prefix + "/", CancellationToken.None)).Count);
        await Task.Delay(TimeSpan.FromSeconds(2));

        await _master.Process.KillAsync();
        _master.SetEnvironment("BACKUPD_UPLOAD_LEFTOVER_AGE", "00:00:01");
        await _master.StartAsync();

        await _master.Process.WaitForOutputAsync($"Aborted the multipart upload {orphan.UploadId} of {prefix}/n1/wordpress/site/", TimeSpan.FromSeconds(60));
        await _master.Process.WaitForOutputAsync($"Deleted {disowned} ", TimeSpan.FromSeconds(60));
        Assert.Equal([foreign.UploadId], (await S3TestSetup.OpenUploadsAsync(fixture.S3, proxy, prefix + "/", CancellationToken.None)).Select(upload => upload.UploadId));
        var stored = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = fixture.S3.BucketName, Prefix = prefix + "/" });
        Assert.Equal(new[] { bundle, foreignObject, unknownJob }.Order(StringComparer.Ordinal), (stored.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal));
        Assert.Equal(done.GetProperty("result").GetProperty("sha256").GetString(), await S3TestSetup.StoredSha256Async(fixture.S3, bundle, CancellationToken.None));
    }

    // Incompressible: about 15 s of upload at the node's limit, in 5 MiB parts.
    private async Task<string> CreateLongUploadJobAsync(string providerId, int maxAttempts = 2)
    {
        var site = await fixture.WordPress.CreateSiteAsync();
        await File.WriteAllBytesAsync(Path.Combine(site.UploadsPath, "big.bin"), RandomNumberGenerator.GetBytes(BandwidthMbps * 1_000_000 / 8 * 15));
        using var create = await _api.SendAsync(HttpMethod.Post, "/api/v1/jobs", new { nodeId = _nodeId, module = "wordpress", config = new { path = site.RootPath }, providerId, maxAttempts });
        return (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> WaitForCompletedAsync(string id, int attempts, TimeSpan timeout)
    {
        var done = await WaitForAsync(id, job => job.GetProperty("state").GetString() is "completed" or "failed" or "cancelled", timeout);
        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        Assert.Equal(attempts, done.GetProperty("attempts").GetInt32());
        return done;
    }

    // Exactly one object under the prefix, the job's, whole; no upload left open (the proxy lists them).
    private async Task AssertStoredOnceAsync(JsonElement done, string prefix, S3FaultProxy proxy)
    {
        var key = done.GetProperty("result").GetProperty("objectKey").GetString()!;
        Assert.Equal(done.GetProperty("result").GetProperty("sha256").GetString(), await S3TestSetup.StoredSha256Async(fixture.S3, key, CancellationToken.None));
        using var s3 = fixture.S3.CreateClient();
        var stored = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = fixture.S3.BucketName, Prefix = prefix + "/" });
        Assert.Equal([key], (stored.S3Objects ?? []).Select(o => o.Key));
        Assert.Empty(await S3TestSetup.OpenUploadsAsync(fixture.S3, proxy, prefix + "/", CancellationToken.None));
    }

    private async Task<string> CreateProviderAsync(S3FaultProxy proxy, string prefix)
    {
        using var provider = await _api.SendAsync(HttpMethod.Post, "/api/v1/providers", new
        {
            name = "crash", type = "s3", endpoint = proxy.ServiceUrl, region = S3rverServer.Region, bucket = fixture.S3.BucketName,
            prefix, forcePathStyle = true, accessKeyId = S3rverServer.AccessKey, secretAccessKey = S3rverServer.SecretKey,
        });
        Assert.Equal(HttpStatusCode.Created, provider.StatusCode);
        return (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static List<string> PlacedKeys(JsonElement job) =>
        [.. job.GetProperty("log").EnumerateArray().Select(line => line.GetProperty("message").GetString()!)
            .Where(line => line.StartsWith("Bundle placed at ", StringComparison.Ordinal)).Select(line => line["Bundle placed at ".Length..].Split(' ')[0])];

    private static long UploadedBytes(JsonElement job) =>
        job.GetProperty("stages").EnumerateArray().FirstOrDefault(stage => stage.GetProperty("name").GetString() == "upload_remote") is { ValueKind: JsonValueKind.Object } upload
        && upload.TryGetProperty("bytesDone", out var done) && done.ValueKind == JsonValueKind.Number ? done.GetInt64() : 0;

    private async Task<JsonElement> WaitForAsync(string id, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement job;
        while (!done(job = await _api.GetJsonAsync($"/api/v1/jobs/{id}")))
        {
            Assert.True(DateTime.UtcNow < deadline, $"job {id} did not get there in {timeout}: {job}");
            await Task.Delay(250);
        }

        return job;
    }
}
