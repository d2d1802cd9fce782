using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using Backupd.TestBed;
using Backupd.Tests.Storage;

namespace Backupd.Tests.Jobs;

/// <summary>A WordPress job whose provider is an S3-compatible store (a real s3rver), end to end.</summary>
[Collection(JobsEndToEndCollection.Name)]
public sealed class S3JobEndToEndTests(JobsEndToEndFixture fixture)
{
    [Fact]
    public async Task A_wordpress_job_with_an_s3_provider_puts_the_bundle_at_its_key_with_the_recorded_sha256()
    {
        using var provider = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/providers", new
        {
            name = "s3rver", type = "s3", endpoint = fixture.S3.ServiceUrl, region = S3rverServer.Region, bucket = fixture.S3.BucketName,
            prefix = "e2e", forcePathStyle = true, accessKeyId = S3rverServer.AccessKey, secretAccessKey = S3rverServer.SecretKey,
        });
        Assert.Equal(HttpStatusCode.Created, provider.StatusCode);
        var providerId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var id = await fixture.CreateJobAsync(new { path = fixture.WordPress.Site.RootPath }, providerId: providerId);
        var job = await fixture.WaitForJobAsync(id, JobsEndToEndFixture.IsFinished, TimeSpan.FromMinutes(2));

        Assert.True(job.GetProperty("state").GetString() == "completed", job.ToString());
        var result = job.GetProperty("result");
        var key = result.GetProperty("objectKey").GetString()!;
        Assert.Matches($"^e2e/{fixture.NodeId}/wordpress/{fixture.WordPress.Site.Name}\\.wordpress\\.test/\\d{{8}}T\\d{{6}}Z-{id}\\.tar\\.zst$", key);
        using var s3 = fixture.S3.CreateClient();
        using var stored = await s3.GetObjectAsync(new GetObjectRequest { BucketName = fixture.S3.BucketName, Key = key });
        await using var body = stored.ResponseStream;
        Assert.Equal(result.GetProperty("sha256").GetString(), Convert.ToHexStringLower(await SHA256.HashDataAsync(body)));
        Assert.Equal(result.GetProperty("size").GetInt64(), stored.ContentLength);
    }

    [Fact]
    public async Task A_node_stores_its_bundle_through_urls_the_master_signs_despite_faults_and_never_holds_the_secret()
    {
        const string secret = "e2e-secret-the-node-never-holds-Wq38";
        var failedOnce = new HashSet<string>(StringComparer.Ordinal);
        // The proxy checks every signature as S3 does (s3rver checks none), and fails each body's first try.
        await using var proxy = new S3FaultProxy(fixture.S3)
        {
            RequiredSecret = secret,
            Faults = request =>
            {
                lock (failedOnce)
                {
                    return request.Method == "PUT" && failedOnce.Add(request.Path + "#" + request.Query.GetValueOrDefault("partNumber")) ? ProxyFault.InternalError : ProxyFault.None;
                }
            },
        };
        var providerId = await CreateProviderAsync(proxy.ServiceUrl, fixture.S3.BucketName, secret, prefix: "signed-e2e");
        var outputBefore = fixture.Node.Process.Output.Length;

        var id = await fixture.CreateJobAsync(new { path = fixture.WordPress.Site.RootPath }, providerId: providerId);
        var job = await fixture.WaitForJobAsync(id, JobsEndToEndFixture.IsFinished, TimeSpan.FromMinutes(2));

        Assert.True(job.GetProperty("state").GetString() == "completed", job.ToString());
        var key = job.GetProperty("result").GetProperty("objectKey").GetString()!;
        Assert.Equal(job.GetProperty("result").GetProperty("sha256").GetString(), await S3TestSetup.StoredSha256Async(fixture.S3, key, CancellationToken.None));
        Assert.Contains(job.GetProperty("log").EnumerateArray(), line => line.GetProperty("message").GetString()!.StartsWith("The master checked the stored copy of " + key, StringComparison.Ordinal));

        // The node sent the bundle itself, failed once and again, each time to a URL signed for that key.
        var bodies = proxy.Requests.Where(request => request.Method == "PUT" && request.BucketAndKey.Key == key).ToList();
        Assert.True(bodies.Count >= 2, $"{bodies.Count} PUT(s) of the bundle");
        Assert.All(bodies, request =>
        {
            Assert.False(request.Headers.ContainsKey("Authorization"));
            Assert.True(SigV4Check.IsPresignedWith(request, secret));
        });

        // Nothing the node wrote, logged or kept holds the secret.
        Assert.DoesNotContain(secret, fixture.Node.Process.Output[outputBefore..], StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(fixture.Node.DataDir, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(secret, Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(secret, fixture.Master.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Testing_a_provider_says_which_step_failed_and_why()
    {
        // s3rver accepts any signature; the proxy checks them as S3 does, so a wrong secret fails here as it would there.
        await using var signed = new S3FaultProxy(fixture.S3) { RequiredSecret = S3rverServer.SecretKey };
        var good = await CreateProviderAsync(signed.ServiceUrl, fixture.S3.BucketName, S3rverServer.SecretKey);
        var wrongSecret = await CreateProviderAsync(signed.ServiceUrl, fixture.S3.BucketName, WrongSecret);
        var noBucket = await CreateProviderAsync(signed.ServiceUrl, "no-such-bucket-here", S3rverServer.SecretKey);
        var unreachable = await CreateProviderAsync("http://127.0.0.1:9", fixture.S3.BucketName, WrongSecret);

        var ok = await TestAsync(good);
        Assert.True(ok.GetProperty("ok").GetBoolean(), ok.ToString());
        Assert.Contains(signed.Requests, request => request.Method == "PUT");

        var refused = await TestAsync(wrongSecret);
        Assert.False(refused.GetProperty("ok").GetBoolean(), refused.ToString());
        Assert.Equal("write", refused.GetProperty("failedStep").GetString());
        Assert.Contains("the secret access key does not belong to access key id", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, refused.ToString(), StringComparison.Ordinal);

        var missing = await TestAsync(noBucket);
        Assert.False(missing.GetProperty("ok").GetBoolean());
        Assert.Equal("write", missing.GetProperty("failedStep").GetString());
        Assert.Contains("no-such-bucket-here", missing.GetProperty("error").GetString(), StringComparison.Ordinal);

        var down = await TestAsync(unreachable);
        Assert.False(down.GetProperty("ok").GetBoolean());
        Assert.Contains("127.0.0.1:9", down.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, down.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, fixture.Master.Output, StringComparison.Ordinal);

        using var local = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/providers/{fixture.ProviderId}/test");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, local.StatusCode);
    }

    private const string WrongSecret = S3rverServer.SecretKey + "-but-not-the-right-one";

    private async Task<string> CreateProviderAsync(string endpoint, string bucket, string secret, string prefix = "probe")
    {
        using var provider = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/providers", new
        {
            name = "probe", type = "s3", endpoint, region = S3rverServer.Region, bucket, prefix, forcePathStyle = true,
            accessKeyId = S3rverServer.AccessKey, secretAccessKey = secret,
        });
        Assert.Equal(HttpStatusCode.Created, provider.StatusCode);
        return (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> TestAsync(string providerId)
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/providers/{providerId}/test");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
