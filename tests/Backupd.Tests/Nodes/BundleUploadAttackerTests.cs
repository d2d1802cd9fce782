using System.Formats.Tar;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.NodeApi;
using Backupd.TestBed;
using Backupd.Tests.Jobs;
using Backupd.Tests.Processes;
using Backupd.Tests.Storage;

namespace Backupd.Tests.Nodes;

/// <summary>
/// A node's upload to an S3 provider, driven by the test as a node with its real certificate and
/// key, against a real master and s3rver behind a proxy that checks signatures and expiry as S3
/// does. Everything the master answers is captured and searched for the provider's secret.
/// </summary>
[Collection(JobsEndToEndCollection.Name)]
public sealed class BundleUploadAttackerTests(JobsEndToEndFixture fixture) : IAsyncLifetime
{
    private const string Secret = "bundle-upload-secret-Qx7Lm2";
    private const long MiB = 1024 * 1024;
    private readonly List<string> _answers = [];
    private S3FaultProxy _proxy = null!;
    private TimeSpan _skew;
    private string _providerId = null!;

    public async Task InitializeAsync()
    {
        _proxy = new S3FaultProxy(fixture.S3) { RequiredSecret = Secret, Now = () => DateTimeOffset.UtcNow + _skew };
        using var provider = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/providers", new
        {
            name = "presigned", type = "s3", endpoint = _proxy.ServiceUrl, region = S3rverServer.Region, bucket = fixture.S3.BucketName,
            prefix = "signed", forcePathStyle = true, accessKeyId = S3rverServer.AccessKey, secretAccessKey = Secret,
        });
        Assert.Equal(HttpStatusCode.Created, provider.StatusCode);
        _providerId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task A_node_gets_a_short_lived_url_for_its_own_bundle_only_signed_as_s3_checks_it_and_never_the_secret()
    {
        var a = await NodeEnrolment.EnrolAsync(fixture.Api);
        var b = await NodeEnrolment.EnrolAsync(fixture.Api);
        using var nodeA = Client(a);
        using var nodeB = Client(b);
        var jobA = await fixture.Api.CreateJobAsync(a.NodeId, _providerId, new { path = "/srv/www/a" });
        var jobB = await fixture.Api.CreateJobAsync(b.NodeId, _providerId, new { path = "/srv/www/b" });
        var attemptA = await TakeAsync(nodeA, jobA);
        var attemptB = await TakeAsync(nodeB, jobB);
        var bundle = Encoding.UTF8.GetBytes("a bundle of node A " + Guid.NewGuid());
        var sha = Convert.ToHexStringLower(SHA256.HashData(bundle));

        // The storage settings name the bucket, not who may write to it.
        var storage = await StepAsync(nodeA, NodeApiRoutes.Storage(jobA), new JobStorageRequest(attemptA, _providerId));
        Assert.Equal(JsonValueKind.Null, storage.GetProperty("s3").GetProperty("secretAccessKey").ValueKind);
        Assert.Equal(JsonValueKind.Null, storage.GetProperty("s3").GetProperty("accessKeyId").ValueKind);

        // The master makes the key; the node's site name cannot climb out of its place.
        var placed = await StepAsync(nodeA, NodeApiRoutes.Bundle(jobA), new BundlePlacementRequest(attemptA, "../../Victim Site/"));
        var key = placed.GetProperty("fullKey").GetString()!;
        Assert.Matches($"^signed/{a.NodeId}/wordpress/victim-site/\\d{{8}}T\\d{{6}}Z-{jobA}\\.tar\\.zst$", key);
        var keyB = (await StepAsync(nodeB, NodeApiRoutes.Bundle(jobB), new BundlePlacementRequest(attemptB, "victim-site"))).GetProperty("fullKey").GetString()!;

        var signed = await StepAsync(nodeA, NodeApiRoutes.BundleUrl(jobA), new BundleUploadRequest(attemptA, key) { Size = bundle.Length, Sha256Hex = sha });
        var url = new Uri(signed.GetProperty("url").GetString()!);
        var query = SigV4Check.Query(url.Query.TrimStart('?'));
        Assert.Equal("PUT", signed.GetProperty("method").GetString());
        Assert.Equal($"/{fixture.S3.BucketName}/{key}", url.AbsolutePath);
        Assert.Equal("30", query["X-Amz-Expires"]);
        Assert.StartsWith(S3rverServer.AccessKey + "/", query["X-Amz-Credential"], StringComparison.Ordinal);
        Assert.Contains("x-amz-meta-sha256", query["X-Amz-SignedHeaders"].Split(';'));
        Assert.Matches("^[0-9a-f]{64}$", query["X-Amz-Signature"]);

        // The store (the proxy, as S3 does) takes the URL for that key and digest only, and only in time.
        Assert.Equal(HttpStatusCode.Forbidden, await PutAsync(Moved(url, keyB), signed, bundle));
        Assert.Equal(HttpStatusCode.Forbidden, await PutAsync(url, signed, bundle, sha256: new string('0', 64)));
        _skew = TimeSpan.FromSeconds(31);
        Assert.Equal(HttpStatusCode.Forbidden, await PutAsync(url, signed, bundle));
        _skew = TimeSpan.Zero;
        Assert.Equal(HttpStatusCode.OK, await PutAsync(url, signed, bundle));
        Assert.False(SigV4Check.IsPresignedWith(_proxy.Requests.Last(request => request.Method == "PUT"), Secret + "x"));

        // Another key, another node's job, another digest, another attempt: refused.
        await RefusedAsync(nodeA, NodeApiRoutes.BundleUrl(jobA), new BundleUploadRequest(attemptA, keyB) { Size = bundle.Length, Sha256Hex = sha });
        await RefusedAsync(nodeA, NodeApiRoutes.BundleUrl(jobB), new BundleUploadRequest(attemptB, keyB) { Size = bundle.Length, Sha256Hex = sha });
        await RefusedAsync(nodeA, NodeApiRoutes.Bundle(jobB), new BundlePlacementRequest(attemptB, "mine-now"));
        await RefusedAsync(nodeA, NodeApiRoutes.BundleUrl(jobA), new BundleUploadRequest(attemptA + 1, key) { Size = bundle.Length, Sha256Hex = sha });
        await InvalidAsync(nodeA, NodeApiRoutes.BundleUrl(jobA), new BundleUploadRequest(attemptA, key) { Size = bundle.Length + 1, Sha256Hex = sha }, "cannot change");

        // The master checks what was stored before the result stands.
        var md5 = Convert.ToHexStringLower(MD5.HashData(bundle));
        await StepAsync(nodeA, NodeApiRoutes.BundleVerify(jobA), new BundleUploadRequest(attemptA, key) { Size = bundle.Length, Sha256Hex = sha, Checksums = new BundleChecksums(md5, [md5], false) });
        await FinishAsync(nodeA, jobA, attemptA, new JobResult(key, bundle.Length + 1, sha));
        var refused = await fixture.GetJobAsync(jobA);
        Assert.Equal("failed", refused.GetProperty("state").GetString());
        Assert.Contains($"the master checked {bundle.Length} bytes", refused.GetProperty("error").GetString(), StringComparison.Ordinal);

        // Once the job has ended, nothing more is signed.
        await RefusedAsync(nodeA, NodeApiRoutes.BundleUrl(jobA), new BundleUploadRequest(attemptA, key) { Size = bundle.Length, Sha256Hex = sha });
        Assert.All(_answers, answer => Assert.DoesNotContain(Secret, answer, StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, fixture.Master.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multipart_upload_is_started_completed_and_checked_by_the_master_and_the_node_only_sends_parts()
    {
        var a = await NodeEnrolment.EnrolAsync(fixture.Api);
        using var node = Client(a);
        var job = await fixture.Api.CreateJobAsync(a.NodeId, _providerId, new { path = "/srv/www/multi" });
        var attempt = await TakeAsync(node, job);
        var bundle = RandomNumberGenerator.GetBytes((int)(11 * MiB));
        var sha = Convert.ToHexStringLower(SHA256.HashData(bundle));
        var key = (await StepAsync(node, NodeApiRoutes.Bundle(job), new BundlePlacementRequest(attempt, "multi"))).GetProperty("fullKey").GetString()!;

        var start = new BundleUploadRequest(attempt, key) { Size = bundle.Length, Sha256Hex = sha, PartSize = 5 * MiB };
        await InvalidAsync(node, NodeApiRoutes.BundleMultipart(job), start with { PartSize = MiB }, "Part size");
        var uploadId = (await StepAsync(node, NodeApiRoutes.BundleMultipart(job), start)).GetProperty("uploadId").GetString()!;
        // Asked again (an answer lost, a node back from a restart): the same upload, with what the store holds of it.
        var again = await StepAsync(node, NodeApiRoutes.BundleMultipart(job), start);
        Assert.Equal(uploadId, again.GetProperty("uploadId").GetString());
        Assert.Equal(0, again.GetProperty("stored").GetArrayLength());

        await InvalidAsync(node, NodeApiRoutes.BundleUrl(job), new BundleUploadRequest(attempt, key) { UploadId = uploadId, PartNumber = 4 }, "not one of the 3 parts");
        await InvalidAsync(node, NodeApiRoutes.BundleUrl(job), new BundleUploadRequest(attempt, key) { UploadId = "0123456789abcdef", PartNumber = 1 }, "not the multipart upload");
        var parts = new List<UploadedPart>();
        var partMd5s = new List<string>();
        for (var number = 1; number <= 3; number++)
        {
            var signed = await StepAsync(node, NodeApiRoutes.BundleUrl(job), new BundleUploadRequest(attempt, key) { UploadId = uploadId, PartNumber = number });
            var body = bundle.AsSpan((int)((number - 1) * 5 * MiB), (int)Math.Min(5 * MiB, bundle.Length - ((number - 1) * 5 * MiB))).ToArray();
            using var response = await SendAsync(new Uri(signed.GetProperty("url").GetString()!), signed, body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            parts.Add(new UploadedPart(number, response.Headers.ETag!.Tag));
            partMd5s.Add(Convert.ToHexStringLower(MD5.HashData(body)));
        }

        // What the store holds, as the master lists it for a node that goes on with the upload.
        var stored = (await StepAsync(node, NodeApiRoutes.BundleMultipart(job), start)).GetProperty("stored").EnumerateArray()
            .Select(part => (part.GetProperty("number").GetInt32(), part.GetProperty("size").GetInt64(), S3ETagText(part.GetProperty("eTag").GetString())));
        Assert.Equal([(1, 5 * MiB, partMd5s[0]), (2, 5 * MiB, partMd5s[1]), (3, MiB, partMd5s[2])], stored);

        await StepAsync(node, NodeApiRoutes.BundleComplete(job), new BundleUploadRequest(attempt, key) { UploadId = uploadId, Parts = parts });
        await StepAsync(node, NodeApiRoutes.BundleVerify(job), new BundleUploadRequest(attempt, key)
        {
            Size = bundle.Length, Sha256Hex = sha, Checksums = new BundleChecksums(Convert.ToHexStringLower(MD5.HashData(bundle)), partMd5s, true),
        });
        await FinishAsync(node, job, attempt, new JobResult(key, bundle.Length, sha));

        var done = await fixture.GetJobAsync(job);
        Assert.Equal("completed", done.GetProperty("state").GetString());
        Assert.Equal(sha, await S3TestSetup.StoredSha256Async(fixture.S3, key, CancellationToken.None));
        // The node's own requests to the store were part bodies at signed URLs, nothing else.
        Assert.All(_proxy.Requests.Where(request => request.IsUploadPart), request => Assert.False(request.Headers.ContainsKey("Authorization")));
        Assert.All(_answers, answer => Assert.DoesNotContain(Secret, answer, StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, fixture.Master.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_reads_only_the_bundle_its_verify_job_names_at_a_url_for_that_object_and_a_verify_job_stores_nothing()
    {
        var a = await NodeEnrolment.EnrolAsync(fixture.Api);
        var b = await NodeEnrolment.EnrolAsync(fixture.Api);
        using var nodeA = Client(a);
        using var nodeB = Client(b);
        var backupA = await fixture.Api.CreateJobAsync(a.NodeId, _providerId, new { path = "/srv/www/a" });
        var bundleA = Encoding.UTF8.GetBytes("node A's bundle " + Guid.NewGuid());
        var keyA = await StoreAsync(nodeA, backupA, await TakeAsync(nodeA, backupA), bundleA);
        var backupB = await fixture.Api.CreateJobAsync(b.NodeId, _providerId, new { path = "/srv/www/b" });
        var keyB = await StoreAsync(nodeB, backupB, await TakeAsync(nodeB, backupB), Encoding.UTF8.GetBytes("node B's bundle"));

        using var created = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{backupA}/verify");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var verify = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var attempt = await TakeAsync(nodeA, verify);

        // The one bundle the verify job names: a GET of that object, signed as S3 checks it, short-lived.
        var signed = await StepAsync(nodeA, NodeApiRoutes.BundleRead(verify), new BundleUploadRequest(attempt, keyA));
        var url = new Uri(signed.GetProperty("url").GetString()!);
        Assert.Equal("GET", signed.GetProperty("method").GetString());
        Assert.Equal($"/{fixture.S3.BucketName}/{keyA}", url.AbsolutePath);
        Assert.Equal("30", SigV4Check.Query(url.Query.TrimStart('?'))["X-Amz-Expires"]);
        using (var http = new HttpClient())
        {
            Assert.Equal(bundleA, await http.GetByteArrayAsync(url));
            using var moved = await http.GetAsync(Moved(url, keyB));
            Assert.Equal(HttpStatusCode.Forbidden, moved.StatusCode);
        }

        // Another node's bundle, another job's read, another node, another attempt: refused.
        await RefusedAsync(nodeA, NodeApiRoutes.BundleRead(verify), new BundleUploadRequest(attempt, keyB));
        await RefusedAsync(nodeB, NodeApiRoutes.BundleRead(verify), new BundleUploadRequest(attempt, keyA));
        await RefusedAsync(nodeA, NodeApiRoutes.BundleRead(verify), new BundleUploadRequest(attempt + 1, keyA));
        var backupA2 = await fixture.Api.CreateJobAsync(a.NodeId, _providerId, new { path = "/srv/www/a" });
        var attemptA2 = await TakeAsync(nodeA, backupA2);
        await RefusedAsync(nodeA, NodeApiRoutes.BundleRead(backupA2), new BundleUploadRequest(attemptA2, keyA));

        // A verify job places nothing, so it cannot write beside the bundle nor claim one as its result.
        await RefusedAsync(nodeA, NodeApiRoutes.Bundle(verify), new BundlePlacementRequest(attempt, "a"));
        await FinishAsync(nodeA, verify, attempt, new JobResult(keyA, bundleA.Length, Convert.ToHexStringLower(SHA256.HashData(bundleA))));
        var ended = await fixture.GetJobAsync(verify);
        Assert.Equal("failed", ended.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("result").ValueKind);

        // Once it has ended, nothing more is signed.
        await RefusedAsync(nodeA, NodeApiRoutes.BundleRead(verify), new BundleUploadRequest(attempt, keyA));
        Assert.All(_answers, answer => Assert.DoesNotContain(Secret, answer, StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, fixture.Master.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tar_slip_bundle_stored_with_a_stolen_node_key_is_refused_by_a_restore_on_another_node_before_anything_is_written()
    {
        // What a broken-into node can do with its key: store a bundle of its own making as its backup.
        var a = await NodeEnrolment.EnrolAsync(fixture.Api);
        using var nodeA = Client(a);
        var backup = await fixture.Api.CreateJobAsync(a.NodeId, _providerId, new { path = "/srv/www/hostile" });
        var slipped = Path.Combine(Path.GetTempPath(), $"backupd-slipped-{Guid.NewGuid():N}.php");
        var bundle = await TarSlipBundleAsync("wp-content/uploads/../../../../../../../.." + slipped);
        await StoreAsync(nodeA, backup, await TakeAsync(nodeA, backup), bundle);

        // An admin restores that backup as a new site on a real node.
        var target = Directory.CreateTempSubdirectory("backupd-hostile-target-").FullName;
        var database = "hostile_" + Guid.NewGuid().ToString("N")[..8];
        await fixture.WordPress.Database.CreateDatabaseAsync(database, database, "hostile-Pa55");
        using var created = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/restores", new
        {
            jobId = backup, nodeId = fixture.NodeId,
            target = new { path = target, url = "https://hostile.example", db = new { host = MariaDbServer.Host, port = fixture.WordPress.Database.Port, name = database, user = database, password = "hostile-Pa55" } },
        });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        var restore = await fixture.WaitForJobAsync(JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!, JobsEndToEndFixture.IsFinished, TimeSpan.FromMinutes(2));

        // Refused when checked, before the plan: nothing written outside, nor in the target, nor in its database.
        Assert.Equal("failed", restore.GetProperty("state").GetString());
        var error = restore.GetProperty("error").GetString()!;
        Assert.StartsWith("verify_bundle: The bundle holds an entry no restore may write", error, StringComparison.Ordinal);
        Assert.Contains(slipped, error, StringComparison.Ordinal);
        Assert.False(File.Exists(slipped));
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
        await using var root = await fixture.WordPress.Database.OpenRootConnectionAsync();
        await using var tables = new MySqlConnector.MySqlCommand("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = @db", root);
        tables.Parameters.AddWithValue("@db", database);
        Assert.Equal(0L, Convert.ToInt64(await tables.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    // A bundle as a node writes one (tar in a checksummed zstd frame, a dump, wp-content) with one
    // entry whose name climbs out of wherever it is extracted.
    private static async Task<byte[]> TarSlipBundleAsync(string hostileName)
    {
        using var output = new MemoryStream();
        await using (var zstd = new ZstdSharp.CompressionStream(output, level: 3, bufferSize: 0, leaveOpen: true))
        {
            zstd.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
            await using var tar = new TarWriter(zstd, TarEntryFormat.Pax, leaveOpen: true);
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "wp-content/") { Mode = (UnixFileMode)0b111_101_101 });
            foreach (var (name, content) in new[] { ("wp-content/index.php", "<?php // Silence is golden."), (hostileName, "<?php system($_GET['c']);"), ("database.sql", "CREATE TABLE wp_options (option_id INT PRIMARY KEY);") })
            {
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)), Mode = (UnixFileMode)0b110_100_100,
                });
            }
        }

        return output.ToArray();
    }

    // A bundle stored the way a node stores one: placed, sent to a signed URL, checked by the master, reported.
    private async Task<string> StoreAsync(HttpClient node, string job, int attempt, byte[] bundle)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(bundle));
        var key = (await StepAsync(node, NodeApiRoutes.Bundle(job), new BundlePlacementRequest(attempt, "site"))).GetProperty("fullKey").GetString()!;
        var signed = await StepAsync(node, NodeApiRoutes.BundleUrl(job), new BundleUploadRequest(attempt, key) { Size = bundle.Length, Sha256Hex = sha });
        Assert.Equal(HttpStatusCode.OK, await PutAsync(new Uri(signed.GetProperty("url").GetString()!), signed, bundle));
        var md5 = Convert.ToHexStringLower(MD5.HashData(bundle));
        await StepAsync(node, NodeApiRoutes.BundleVerify(job), new BundleUploadRequest(attempt, key) { Size = bundle.Length, Sha256Hex = sha, Checksums = new BundleChecksums(md5, [md5], false) });
        await FinishAsync(node, job, attempt, new JobResult(key, bundle.Length, sha));
        Assert.Equal("completed", (await fixture.GetJobAsync(job)).GetProperty("state").GetString());
        return key;
    }

    private static string S3ETagText(string? etag) => (etag ?? string.Empty).Trim('"');

    // The node's real certificate and key, as its own client presents them; it lives as long as the client.
    private HttpClient Client(NodeEnrolment node) =>
        RogueNode.Client(fixture.Master.NodeApiUrl, X509Certificate2.CreateFromPem(node.Identity.CertificatePem, node.Identity.PrivateKeyPem), bearer: node.ApiKey);

    private async Task<int> TakeAsync(HttpClient node, string jobId)
    {
        var assignment = await StepAsync(node, NodeApiRoutes.NextJob, new { });
        Assert.Equal(jobId, assignment.GetProperty("jobId").GetString());
        return assignment.GetProperty("attempt").GetInt32();
    }

    private async Task FinishAsync(HttpClient node, string jobId, int attempt, JobResult result) =>
        await StepAsync(node, NodeApiRoutes.Finish(jobId), new JobFinishRequest(attempt, new JobOutcome(JobState.Completed, result, null, new JobProgressReport([], []))));

    // One call as the node makes it; the answer is kept for the secret scan.
    private async Task<JsonElement> StepAsync(HttpClient node, string route, object body)
    {
        using var response = await node.PostAsJsonAsync(route, body, NodeApiJson.Options);
        var text = await response.Content.ReadAsStringAsync();
        _answers.Add(text);
        Assert.True(response.IsSuccessStatusCode, $"{route}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task RefusedAsync(HttpClient node, string route, object body)
    {
        using var response = await node.PostAsJsonAsync(route, body, NodeApiJson.Options);
        _answers.Add(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task InvalidAsync(HttpClient node, string route, object body, string why)
    {
        using var response = await node.PostAsJsonAsync(route, body, NodeApiJson.Options);
        var text = await response.Content.ReadAsStringAsync();
        _answers.Add(text);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(why, text, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> PutAsync(Uri url, JsonElement signed, byte[] body, string? sha256 = null)
    {
        using var response = await SendAsync(url, signed, body, sha256);
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> SendAsync(Uri url, JsonElement signed, byte[] body, string? sha256 = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentMD5 = MD5.HashData(body);
        foreach (var header in signed.GetProperty("headers").EnumerateObject())
        {
            var value = header.Name == "x-amz-meta-sha256" && sha256 is not null ? sha256 : header.Value.GetString()!;
            if (!request.Headers.TryAddWithoutValidation(header.Name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(header.Name, value);
            }
        }

        return await http.SendAsync(request);
    }

    // The same signed query on another object's path.
    private Uri Moved(Uri url, string otherKey) => new UriBuilder(url) { Path = $"/{fixture.S3.BucketName}/{otherKey}" }.Uri;
}
