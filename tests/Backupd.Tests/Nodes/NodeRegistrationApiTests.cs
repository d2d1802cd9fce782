using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Nodes;

/// <summary>Registration, approval and key rules over REST, playing both the node and an attacker.</summary>
[Collection(SharedMasterCollection.Name)]
public sealed class NodeRegistrationApiTests(SharedMasterFixture fixture)
{
    private MasterProcess Master => fixture.Master;

    private async Task<MasterApi> AdminAsync() => new(Master.Http, await Master.IssueTokenAsync());

    /// <summary>Registers, approves and claims a node; returns its id and API key.</summary>
    private async Task<(string NodeId, string ApiKey)> EnrolAsync(MasterApi api)
    {
        var code = RegistrationCodes.NewCode();
        var secret = RegistrationCodes.NewSecret();
        using var registered = await api.RegisterAsync(code, secret);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using var approved = await api.ApproveAsync(code);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        using var claimed = await api.PollAsync(code, secret);
        var body = await claimed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("approved", body.GetProperty("status").GetString());
        return (body.GetProperty("nodeId").GetString()!, body.GetProperty("apiKey").GetString()!);
    }

    [Fact]
    public async Task Node_reaches_the_node_api_at_the_address_the_master_listens_on_and_its_certificate_names()
    {
        var port = Backupd.TestBed.FreePort.Next();
        await using var master = new MasterProcess(extraEnvironment: new Dictionary<string, string> { ["BACKUPD_NODE_URLS"] = $"https://127.0.0.2:{port}" });
        await master.StartAsync();
        var api = new MasterApi(master.Http, await master.IssueTokenAsync());
        await using var node = new NodeProcess(master.BaseUrl);
        node.Start();
        using var approve = await api.ApproveAsync(await node.WaitForCodeAsync());
        var nodeId = (await approve.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        await node.Process.WaitForOutputAsync($"Connected to the master as node {nodeId} at https://127.0.0.2:{port}", TimeSpan.FromSeconds(60));
        Assert.Equal($"https://127.0.0.2:{port}", (await api.GetJsonAsync("/api/v1/system")).GetProperty("nodeApiUrl").GetString());
    }

    [Fact]
    public async Task Pending_node_is_listed_and_polling_says_pending_without_a_key()
    {
        var api = await AdminAsync();
        var code = RegistrationCodes.NewCode();
        var secret = RegistrationCodes.NewSecret();
        using var registered = await api.RegisterAsync(code, secret, "pending-host");
        var nodeId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nodeId").GetString();

        using var poll = await api.PollAsync(code, secret);
        var status = await poll.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pending", status.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("apiKey").ValueKind);

        var node = await api.GetJsonAsync($"/api/v1/nodes/{nodeId}");
        Assert.Equal("pending", node.GetProperty("status").GetString());
        Assert.Equal("pending-host", node.GetProperty("hostname").GetString());
    }

    [Fact]
    public async Task Api_key_is_handed_out_once_and_only_with_the_registration_secret()
    {
        var api = await AdminAsync();
        var code = RegistrationCodes.NewCode();
        var secret = RegistrationCodes.NewSecret();
        using var _ = await api.RegisterAsync(code, secret);
        using var __ = await api.ApproveAsync(code);

        using var wrongSecret = await api.PollAsync(code, RegistrationCodes.NewSecret());
        Assert.Equal(HttpStatusCode.NotFound, wrongSecret.StatusCode);
        Assert.DoesNotContain("bkdn_", await wrongSecret.Content.ReadAsStringAsync());

        using var first = await api.PollAsync(code, secret);
        var approved = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("bkdn_", approved.GetProperty("apiKey").GetString());
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", approved.GetProperty("certificate").GetProperty("certificatePem").GetString());
        Assert.Equal(Master.NodeApiUrl.ToString().TrimEnd('/'), approved.GetProperty("nodeApiUrl").GetString());
        using var second = await api.PollAsync(code, secret);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var again = await second.Content.ReadAsStringAsync();
        Assert.DoesNotContain("bkdn_", again);
        Assert.DoesNotContain("CERTIFICATE", again);
    }

    [Fact]
    public async Task Code_is_unique_among_pending_registrations()
    {
        var api = await AdminAsync();
        var code = RegistrationCodes.NewCode();
        using var first = await api.RegisterAsync(code, RegistrationCodes.NewSecret());
        using var second = await api.RegisterAsync(code, RegistrationCodes.NewSecret());
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Approving_an_unknown_code_is_404_and_a_used_code_is_409()
    {
        var api = await AdminAsync();
        using var unknown = await api.ApproveAsync(RegistrationCodes.NewCode());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("No node is waiting with the code", await unknown.Content.ReadAsStringAsync());

        var code = RegistrationCodes.NewCode();
        using var _ = await api.RegisterAsync(code, RegistrationCodes.NewSecret());
        using var once = await api.ApproveAsync(code);
        using var twice = await api.ApproveAsync(code);
        Assert.Equal(HttpStatusCode.OK, once.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("already approved", await twice.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_approved_node_never_heard_from_is_listed_with_no_last_contact()
    {
        var api = await AdminAsync();
        var code = RegistrationCodes.NewCode();
        using var registered = await api.RegisterAsync(code, RegistrationCodes.NewSecret(), "not-yet-connected");
        using var approved = await api.ApproveAsync(code);
        var nodeId = (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var listed = (await api.GetJsonAsync("/api/v1/nodes?status=active")).EnumerateArray().Single(n => n.GetProperty("id").GetString() == nodeId);

        Assert.Equal(JsonValueKind.Null, listed.GetProperty("lastSeenAt").ValueKind);
        Assert.False(listed.GetProperty("online").GetBoolean());
    }

    [Theory]
    [InlineData("""{ "code": "XC9D" }""")]
    [InlineData("""{ "code": "OOOOO" }""")]
    [InlineData("""{ }""")]
    [InlineData("""{ "code": """)]
    public async Task Malformed_approval_is_400_saying_what_is_wrong(string json)
    {
        var token = await Master.IssueTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/nodes/approve")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await Master.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData("web-01", "AB", 40)]
    [InlineData("", "ABCDE", 40)]
    [InlineData("web-01", "ABCDE", 8)]
    public async Task Malformed_registration_is_400(string hostname, string code, int secretLength)
    {
        using var response = await Master.Http.PostAsJsonAsync("/api/v1/nodes/register", new { hostname, code, registrationSecret = new string('s', secretLength) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("not a certificate request")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----")]
    [InlineData("rsa")]
    public async Task Registration_with_a_certificate_request_the_master_will_not_sign_is_400(string request)
    {
        if (request == "rsa")
        {
            // A well-formed request for a key the node agent never makes.
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=x", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256,
                System.Security.Cryptography.RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
        }

        var api = await AdminAsync();
        using var response = await api.RegisterAsync(RegistrationCodes.NewCode(), RegistrationCodes.NewSecret(), certificateRequest: request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.StartsWith("\"certificateRequest\": ", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approval_needs_an_admin_token()
    {
        var code = RegistrationCodes.NewCode();
        using var _ = await Master.Http.PostAsJsonAsync("/api/v1/nodes/register", new { hostname = "h", code, registrationSecret = RegistrationCodes.NewSecret() });
        using var anonymous = await Master.Http.PostAsJsonAsync("/api/v1/nodes/approve", new { code });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Node_key_reaches_nothing_on_the_admin_api()
    {
        var api = await AdminAsync();
        var (nodeA, keyA) = await EnrolAsync(api);
        var (nodeB, _) = await EnrolAsync(api);

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/api/v1/nodes/self"), (HttpMethod.Get, $"/api/v1/nodes/{nodeA}"), (HttpMethod.Get, $"/api/v1/nodes/{nodeB}"),
            (HttpMethod.Get, "/api/v1/nodes"), (HttpMethod.Post, "/api/v1/nodes/approve"), (HttpMethod.Post, $"/api/v1/nodes/{nodeB}/disable"),
            (HttpMethod.Get, "/api/v1/providers"), (HttpMethod.Get, "/api/v1/jobs"),
        })
        {
            using var response = await api.SendAsync(method, path, new { code = "ABCDE" }, bearerOverride: keyA);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {response.StatusCode}");
        }
    }
}
