using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Master.Api;

/// <summary>Storage providers over REST on a real master process: validation, no secret in any answer or at rest.</summary>
[Collection(SharedMasterCollection.Name)]
public sealed class ProvidersApiTests(SharedMasterFixture fixture) : IAsyncLifetime
{
    private MasterApi _api = null!;

    public async Task InitializeAsync() => _api = new MasterApi(fixture.Master.Http, await fixture.Master.IssueTokenAsync());

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_s3_provider_never_shows_its_secret_and_the_secret_is_not_stored_or_logged_in_plain_text()
    {
        var secret = "s3cret-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var accessKey = "AKIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        using var create = await _api.SendAsync(HttpMethod.Post, "/api/v1/providers", new
        {
            name = "b2 backups", type = "s3", endpoint = "https://s3.us-west-004.backblazeb2.com", region = "us-west-004",
            bucket = "my-backups", prefix = "sites/", forcePathStyle = false, accessKeyId = accessKey, secretAccessKey = secret,
        });
        var body = await create.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;

        var shown = await _api.GetJsonAsync($"/api/v1/providers/{id}");
        Assert.True(shown.GetProperty("secretAccessKeySet").GetBoolean());
        Assert.True(shown.GetProperty("accessKeyIdSet").GetBoolean());
        Assert.Equal("my-backups", shown.GetProperty("bucket").GetString());
        Assert.Equal("sites", shown.GetProperty("prefix").GetString());
        var list = (await _api.GetJsonAsync("/api/v1/providers")).ToString();
        foreach (var text in new[] { body, shown.ToString(), list })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(accessKey, text, StringComparison.Ordinal);
        }

        // Changing the bucket keeps the credentials when they are left out.
        using var update = await _api.SendAsync(HttpMethod.Put, $"/api/v1/providers/{id}", new { name = "b2 backups", type = "s3", region = "us-west-004", bucket = "other-bucket", endpoint = "https://s3.us-west-004.backblazeb2.com" });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var updated = await update.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("other-bucket", updated.GetProperty("bucket").GetString());
        Assert.True(updated.GetProperty("secretAccessKeySet").GetBoolean());

        SecretScan.AssertNotInFiles(fixture.Master.DataDir, secret);
        SecretScan.AssertNotInFiles(fixture.Master.DataDir, accessKey);
        Assert.DoesNotContain(secret, fixture.Master.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"x","type":"local"}""", "path")]
    [InlineData("""{"name":"x","type":"local","path":"relative"}""", "path")]
    [InlineData("""{"name":"x","type":"ftp","path":"/x"}""", "type")]
    [InlineData("""{"type":"local","path":"/x"}""", "name")]
    [InlineData("""{"name":"x","type":"s3","region":"us-east-1","bucket":"Bad_Bucket","accessKeyId":"a","secretAccessKey":"b"}""", "bucket")]
    [InlineData("""{"name":"x","type":"s3","bucket":"ok-bucket","accessKeyId":"a","secretAccessKey":"b"}""", "region")]
    [InlineData("""{"name":"x","type":"s3","region":"r","bucket":"ok-bucket","secretAccessKey":"b"}""", "accessKeyId")]
    [InlineData("""{"name":"x","type":"s3","region":"r","bucket":"ok-bucket","accessKeyId":"a"}""", "secretAccessKey")]
    [InlineData("""{"name":"x","type":"s3","region":"r","bucket":"ok-bucket","accessKeyId":"a","secretAccessKey":"b","endpoint":"ftp://x"}""", "endpoint")]
    public async Task A_bad_provider_is_a_400_that_names_the_field(string body, string field)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/providers") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await _api.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.DoesNotContain("\"b\"", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_used_by_a_pending_job_cannot_be_deleted_until_the_job_is_cancelled()
    {
        using var provider = await _api.SendAsync(HttpMethod.Post, "/api/v1/providers", new { name = "in use", type = "local", path = "/var/backups/x" });
        var providerId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var nodeId = (await NodeEnrolment.EnrolAsync(_api)).NodeId;
        using var job = await _api.SendAsync(HttpMethod.Post, "/api/v1/jobs", new { nodeId, module = "wordpress", config = new { path = "/srv/www/a" }, providerId });
        Assert.Equal(HttpStatusCode.Created, job.StatusCode);
        var jobId = (await job.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        using var refused = await _api.SendAsync(HttpMethod.Delete, $"/api/v1/providers/{providerId}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("pending or running", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        (await _api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{jobId}/cancel")).Dispose();
        using var deleted = await _api.SendAsync(HttpMethod.Delete, $"/api/v1/providers/{providerId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await _api.SendAsync(HttpMethod.Get, $"/api/v1/providers/{providerId}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
