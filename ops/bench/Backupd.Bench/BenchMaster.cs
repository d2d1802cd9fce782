using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Backupd.Node.Identity;
using Backupd.TestBed;

namespace Backupd.Bench;

/// <summary>
/// A real master process for the master benchmarks, on free loopback ports with a data dir of
/// its own, the brakes on anonymous routes lifted (the bench is one address doing the work of
/// many), and an admin token.
/// </summary>
internal sealed class BenchMaster : IAsyncDisposable
{
    /// <summary>The admin password, for the dashboard.</summary>
    public const string Password = "bench-admin-password-0123";
    private readonly ServerProcess _process;

    private BenchMaster(ServerProcess process, string dataDir, Uri url, HttpClient http)
    {
        _process = process;
        DataDir = dataDir;
        Url = url;
        Http = http;
    }

    public string DataDir { get; }

    public Uri Url { get; }

    /// <summary>An admin client (bearer token set).</summary>
    public HttpClient Http { get; }

    /// <summary>Starts the build's master, or the published <c>backupd</c> at <paramref name="executable"/>.</summary>
    public static async Task<BenchMaster> StartAsync(string? executable = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("backupd-bench-master-").FullName;
        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var environment = new Dictionary<string, string?>
        {
            ["BACKUPD_MODE"] = "master",
            ["BACKUPD_DATA_DIR"] = dataDir,
            ["BACKUPD_URLS"] = url.ToString().TrimEnd('/'),
            ["BACKUPD_SILO_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BACKUPD_NODE_URLS"] = $"https://127.0.0.1:{FreePort.Next()}",
            ["BACKUPD_ADMIN_PASSWORD"] = Password,
            ["BACKUPD_LOGIN_ATTEMPTS_PER_MINUTE"] = "100000",
            ["BACKUPD_REGISTRATIONS_PER_HOUR"] = "100000",
            ["BACKUPD_REGISTRATION_MAX_PENDING_PER_ADDRESS"] = "100000",
            ["BACKUPD_REGISTRATION_MAX_PENDING"] = "100000",
        };
        // The bench runs from its own apphost, so the host that runs backupd.dll is dotnet itself.
        var process = executable is null
            ? ServerProcess.Start("backupd master", Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [Path.Combine(AppContext.BaseDirectory, "backupd.dll")],
                new ProcessOptions { Environment = environment, WorkingDirectory = AppContext.BaseDirectory })
            : ServerProcess.Start("backupd master", executable, [], new ProcessOptions { Environment = environment, WorkingDirectory = "/" });
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
        await process.WaitUntilReadyAsync(async cancellation => (await http.GetAsync("/healthz", cancellation)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(90), CancellationToken.None);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/tokens");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{Password}")));
        using var issued = await http.SendAsync(request);
        issued.EnsureSuccessStatusCode();
        var token = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new BenchMaster(process, dataDir, url, http);
    }

    /// <summary>The master's resident set, from <c>/proc</c>.</summary>
    public long ResidentBytes() =>
        File.ReadLines($"/proc/{_process.Id}/status").Where(line => line.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024).First();

    /// <summary>The master's user and system CPU time so far, from <c>/proc</c> (clock ticks of 1/100 s on Linux).</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (double.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100;
    }

    /// <summary>The database file with its write-ahead log.</summary>
    public long DatabaseBytes() =>
        new[] { "backupd.db", "backupd.db-wal" }.Select(name => new FileInfo(Path.Combine(DataDir, name))).Where(f => f.Exists).Sum(f => f.Length);

    /// <summary>Registers a node with a new key, approves it and claims its identity, as a node would.</summary>
    public async Task<NodeIdentity> EnrolNodeAsync(string hostname)
    {
        var key = NodeKey.Create();
        var code = NewCode();
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        using (var registered = await Http.PostAsJsonAsync("/api/v1/nodes/register", new { hostname, code, registrationSecret = secret, certificateRequest = key.CertificateRequestPem }))
        {
            registered.EnsureSuccessStatusCode();
        }

        using (var approved = await Http.PostAsJsonAsync("/api/v1/nodes/approve", new { code }))
        {
            approved.EnsureSuccessStatusCode();
        }

        using var claimed = await PostPacedAsync("/api/v1/nodes/register/status", new { code, registrationSecret = secret });
        claimed.EnsureSuccessStatusCode();
        var body = await claimed.Content.ReadFromJsonAsync<JsonElement>();
        var certificate = body.GetProperty("certificate");
        return new NodeIdentity(body.GetProperty("nodeId").GetString()!, body.GetProperty("apiKey").GetString()!, body.GetProperty("nodeApiUrl").GetString()!,
            certificate.GetProperty("certificatePem").GetString()!, key.PrivateKeyPem, certificate.GetProperty("authorityPem").GetString()!);
    }

    // The status route has a fixed per-address limit (a node asks every 2 s); the bench is one
    // address enrolling a thousand nodes, so it waits when told to, as a node does.
    private async Task<HttpResponseMessage> PostPacedAsync(string path, object body)
    {
        while (true)
        {
            var response = await Http.PostAsJsonAsync(path, body);
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait);
        }
    }

    public async Task<string> CreateLocalProviderAsync()
    {
        using var response = await Http.PostAsJsonAsync("/api/v1/providers", new { name = "bench", type = "local", path = "/var/tmp/backupd-bench" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task<string> CreateS3ProviderAsync(string serviceUrl, string bucket, string accessKey, string secret)
    {
        using var response = await Http.PostAsJsonAsync("/api/v1/providers", new
        {
            name = "bench-s3", type = "s3", endpoint = serviceUrl, region = "us-east-1", bucket, prefix = "node", forcePathStyle = true, accessKeyId = accessKey, secretAccessKey = secret,
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task<string> CreateJobAsync(string nodeId, string providerId, int number)
    {
        using var response = await Http.PostAsJsonAsync("/api/v1/jobs", new { nodeId, module = "wordpress", providerId, config = new { path = $"/srv/www/site-{number}" } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
    }

    // Codes use the registration alphabet; a random one collides with a pending code rarely, and the bench approves each at once.
    private static string NewCode()
    {
        const string alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }
}
