using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using Backupd.TestBed;
using Backupd.Tests.Storage;

namespace Backupd.Tests.Jobs;

/// <summary>
/// Verify jobs through the whole product: a real backup of the test bed's site, then
/// <c>POST /api/v1/jobs/{id}/verify</c>, run by a real node that downloads the bundle (from its
/// local folder, or from S3 through a URL the master signs) and checks it against the master's
/// record and its manifest; the same after the stored bundle was changed.
/// </summary>
[Collection(JobsEndToEndCollection.Name)]
public sealed class VerifyJobEndToEndTests(JobsEndToEndFixture fixture)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_backup_in_a_local_folder_verifies_whole_and_fails_once_one_stored_byte_changed()
    {
        var backup = await BackupAsync(providerId: null);
        var key = backup.GetProperty("result").GetProperty("objectKey").GetString()!;

        var verified = await VerifyAsync(backup.GetProperty("id").GetString()!);

        Assert.True(verified.GetProperty("state").GetString() == "completed", verified.ToString());
        Assert.Equal("verify", verified.GetProperty("module").GetString());
        Assert.Equal(["fetch_bundle", "check_members"], verified.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Null, verified.GetProperty("result").ValueKind);
        Assert.Contains(Messages(verified), line => line.StartsWith("Every member matches the manifest: ", StringComparison.Ordinal));
        var proven = (await fixture.GetJobAsync(backup.GetProperty("id").GetString()!)).GetProperty("lastVerification");
        Assert.Equal((verified.GetProperty("id").GetString(), true), (proven.GetProperty("jobId").GetString(), proven.GetProperty("passed").GetBoolean()));

        var path = Path.Combine(fixture.StorageDir, key);
        var original = await File.ReadAllBytesAsync(path);
        try
        {
            var changed = (byte[])original.Clone();
            changed[changed.Length / 2] ^= 0x01;
            await File.WriteAllBytesAsync(path, changed);

            var refused = await VerifyAsync(backup.GetProperty("id").GetString()!);

            Assert.Equal("failed", refused.GetProperty("state").GetString());
            Assert.Contains($"is not the one backup job {backup.GetProperty("id").GetString()} stored", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal(["failed", "skipped"], refused.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
            var latest = (await fixture.GetJobAsync(backup.GetProperty("id").GetString()!)).GetProperty("lastVerification");
            Assert.Equal((refused.GetProperty("id").GetString(), false), (latest.GetProperty("jobId").GetString(), latest.GetProperty("passed").GetBoolean()));
            Assert.Contains("is not the one backup job", latest.GetProperty("problem").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await File.WriteAllBytesAsync(path, original);
        }

        Assert.False(Directory.Exists(Path.Combine(fixture.Node.DataDir, "work", verified.GetProperty("id").GetString()!)));
    }

    [Fact]
    public async Task A_backup_in_s3_verifies_through_a_get_the_master_signs_and_a_replaced_object_fails()
    {
        const string secret = "verify-e2e-secret-the-node-never-holds-P4z";
        await using var proxy = new S3FaultProxy(fixture.S3) { RequiredSecret = secret };
        using var provider = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/providers", new
        {
            name = "verify s3", type = "s3", endpoint = proxy.ServiceUrl, region = S3rverServer.Region, bucket = fixture.S3.BucketName,
            prefix = "verify-e2e", forcePathStyle = true, accessKeyId = S3rverServer.AccessKey, secretAccessKey = secret,
        });
        Assert.Equal(HttpStatusCode.Created, provider.StatusCode);
        var providerId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var outputBefore = fixture.Node.Process.Output.Length;
        var backup = await BackupAsync(providerId);
        var backupId = backup.GetProperty("id").GetString()!;
        var key = backup.GetProperty("result").GetProperty("objectKey").GetString()!;
        // The master's own reads, with its credentials, to check what the backup stored, come before.
        var requestsBefore = proxy.Requests.Count;

        var verified = await VerifyAsync(backupId);

        Assert.True(verified.GetProperty("state").GetString() == "completed", verified.ToString());
        var gets = proxy.Requests.Skip(requestsBefore).Where(request => request.Method == "GET" && request.BucketAndKey.Key == key).ToList();
        Assert.NotEmpty(gets);
        Assert.All(gets, request =>
        {
            Assert.False(request.Headers.ContainsKey("Authorization"));
            Assert.True(SigV4Check.IsPresignedWith(request, secret));
        });

        using (var s3 = fixture.S3.CreateClient())
        {
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = fixture.S3.BucketName, Key = key, InputStream = new MemoryStream(Encoding.UTF8.GetBytes("not the bundle any more")), UseChunkEncoding = false,
            });
        }

        var refused = await VerifyAsync(backupId);

        Assert.Equal("failed", refused.GetProperty("state").GetString());
        Assert.Contains($"is not the one backup job {backupId} stored", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, fixture.Node.Process.Output[outputBefore..], StringComparison.Ordinal);
        Assert.DoesNotContain(secret, fixture.Master.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_a_completed_backup_can_be_verified_and_no_one_asks_for_a_verify_job_directly()
    {
        var backup = await BackupAsync(providerId: null);
        var backupId = backup.GetProperty("id").GetString()!;
        var verify = await VerifyAsync(backupId);
        var verifyId = verify.GetProperty("id").GetString()!;

        await AssertProblemAsync(HttpMethod.Post, "/api/v1/jobs/no-such-job/verify", null, HttpStatusCode.NotFound, "No job has the id 'no-such-job'");
        await AssertProblemAsync(HttpMethod.Post, $"/api/v1/jobs/{verifyId}/verify", null, HttpStatusCode.Conflict, "is a verify job, which stores no bundle");
        await AssertProblemAsync(HttpMethod.Post, $"/api/v1/jobs/{backupId}/verify", new { nodeId = "no-such-node" }, HttpStatusCode.BadRequest, "no node has the id 'no-such-node'");
        await AssertProblemAsync(HttpMethod.Post, $"/api/v1/jobs/{backupId}/verify", new { priority = 11 }, HttpStatusCode.BadRequest, "must be from 0 to 10");
        var config = new { bundle = new { jobId = backupId, key = backup.GetProperty("result").GetProperty("objectKey").GetString(), size = 1, sha256 = new string('0', 64) } };
        await AssertProblemAsync(HttpMethod.Post, "/api/v1/jobs", new { nodeId = fixture.NodeId, module = "verify", config, providerId = fixture.ProviderId }, HttpStatusCode.BadRequest, "verify");
    }

    [Fact]
    public async Task A_schedule_that_verifies_after_each_backup_has_each_new_bundle_proven_on_its_record()
    {
        using var create = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/schedules", new
        {
            name = "verify after backup e2e", cron = "0 3 * * *", enabled = false, nodeId = fixture.NodeId, module = "wordpress",
            config = new { path = fixture.WordPress.Site.RootPath }, providerId = fixture.ProviderId, verifyAfterBackup = true,
        });
        var created = await create.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(create.StatusCode == HttpStatusCode.Created, created.ToString());
        Assert.True(created.GetProperty("definition").GetProperty("verifyAfterBackup").GetBoolean(), created.ToString());
        var scheduleId = created.GetProperty("id").GetString()!;

        using var run = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/schedules/{scheduleId}/run");
        Assert.Equal(HttpStatusCode.Created, run.StatusCode);
        var backupId = (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var backup = await fixture.WaitForJobAsync(backupId,
            job => job.TryGetProperty("lastVerification", out var v) && v.ValueKind == JsonValueKind.Object || job.GetProperty("state").GetString() is "failed" or "cancelled",
            TimeSpan.FromMinutes(3));

        Assert.True(backup.GetProperty("state").GetString() == "completed", backup.ToString());
        var verification = backup.GetProperty("lastVerification");
        Assert.True(verification.GetProperty("passed").GetBoolean(), verification.ToString());
        var verify = await fixture.GetJobAsync(verification.GetProperty("jobId").GetString()!);
        Assert.Equal(("verify", "completed"), (verify.GetProperty("module").GetString(), verify.GetProperty("state").GetString()));
        // Not a run of the schedule: its end is not taken for a backup.
        Assert.Equal(JsonValueKind.Null, verify.GetProperty("scheduleId").ValueKind);
    }

    private async Task<JsonElement> BackupAsync(string? providerId)
    {
        var id = await fixture.CreateJobAsync(new { path = fixture.WordPress.Site.RootPath }, providerId: providerId);
        var job = await fixture.WaitForJobAsync(id, JobsEndToEndFixture.IsFinished, JobTimeout);
        Assert.True(job.GetProperty("state").GetString() == "completed", job.ToString());
        return job;
    }

    private async Task<JsonElement> VerifyAsync(string backupId)
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{backupId}/verify");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        return await fixture.WaitForJobAsync(id, JobsEndToEndFixture.IsFinished, JobTimeout);
    }

    private async Task AssertProblemAsync(HttpMethod method, string path, object? body, HttpStatusCode status, string says)
    {
        using var response = await fixture.Api.SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{path}: {(int)response.StatusCode} {text}");
        Assert.Contains(says, text, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Messages(JsonElement job) => job.GetProperty("log").EnumerateArray().Select(line => line.GetProperty("message").GetString()!);
}
