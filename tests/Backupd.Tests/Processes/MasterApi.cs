using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Node.Identity;

namespace Backupd.Tests.Processes;

/// <summary>Small typed calls against a master's REST API, as an admin or as a registering node.</summary>
public sealed class MasterApi(HttpClient http, string bearer)
{
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? bearerOverride = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerOverride ?? bearer);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Sends a prepared request with the admin token.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await http.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Polls job <paramref name="id"/> until <paramref name="done"/> holds; a timeout says where the job got to, and <paramref name="context"/> (a process's output, say).</summary>
    public async Task<JsonElement> WaitForJobAsync(string id, Func<JsonElement, bool> done, TimeSpan timeout, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await GetJsonAsync($"/api/v1/jobs/{id}");
            if (done(job))
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {id} did not get there in {timeout}: {job}{(context is null ? string.Empty : "\n" + context())}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Registers like a node would, without authentication, with a request for a certificate (a new key's when none is given).</summary>
    public async Task<HttpResponseMessage> RegisterAsync(string code, string secret, string hostname = "web-01", string? certificateRequest = null)
    {
        return await http.PostAsJsonAsync("/api/v1/nodes/register", new { hostname, code, registrationSecret = secret, certificateRequest = certificateRequest ?? NodeKey.Create().CertificateRequestPem });
    }

    /// <summary>Asks for the registration status like a node would.</summary>
    public async Task<HttpResponseMessage> PollAsync(string code, string secret) =>
        await http.PostAsJsonAsync("/api/v1/nodes/register/status", new { code, registrationSecret = secret });

    public Task<HttpResponseMessage> ApproveAsync(string code) => SendAsync(HttpMethod.Post, "/api/v1/nodes/approve", new { code });

    /// <summary>An S3 provider that nothing listens behind (127.0.0.1:9), for tests of who gets its <paramref name="secret"/>.</summary>
    public async Task<string> CreateUnreachableS3ProviderAsync(string bucket, string secret)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/providers", new
        {
            name = bucket, type = "s3", endpoint = "http://127.0.0.1:9", region = "us-east-1", bucket, forcePathStyle = true, accessKeyId = "AKIATEST", secretAccessKey = secret,
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Queues a WordPress job on <paramref name="nodeId"/> and returns its id.</summary>
    public async Task<string> CreateJobAsync(string nodeId, string providerId, object config)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/jobs", new { nodeId, module = "wordpress", config, providerId });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
