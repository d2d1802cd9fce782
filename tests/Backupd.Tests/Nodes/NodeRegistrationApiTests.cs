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
    public async Task Node_given_its_key_in_the_environment_connects_without_registering()
    {
        var api = await AdminAsync();
        var (nodeId, apiKey) = await EnrolAsync(api);
        await using var node = new NodeProcess(Master.BaseUrl, new Dictionary<string, string>
        {
            ["BACKUPD_API_KEY"] = apiKey,
            ["BACKUPD_NODE_ID"] = nodeId,
        });
        node.Start();

        await node.Process.WaitForOutputAsync($"Connected to the master as node {nodeId}", TimeSpan.FromSeconds(60));
        Assert.DoesNotContain("Registration code:", node.Process.Output);
        Assert.False(File.Exists(node.IdentityFile));
        Assert.DoesNotContain(apiKey, node.Process.Output);
    }

    [Fact]
    public async Task Node_reaches_a_gateway_on_the_address_the_master_advertises()
    {
        await using var master = new MasterProcess(extraEnvironment: new Dictionary<string, string> { ["BACKUPD_GATEWAY_HOST"] = "127.0.0.2" });
        await master.StartAsync();
        var api = new MasterApi(master.Http, await master.IssueTokenAsync());
        var (nodeId, apiKey) = await EnrolAsync(api);
        await using var node = new NodeProcess(master.BaseUrl, new Dictionary<string, string>
        {
            ["BACKUPD_API_KEY"] = apiKey,
            ["BACKUPD_NODE_ID"] = nodeId,
        });
        node.Start();

        await node.Process.WaitForOutputAsync($"Connected to the master as node {nodeId} through 127.0.0.2:{master.GatewayPort}", TimeSpan.FromSeconds(60));
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
        Assert.StartsWith("bkdn_", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString());
        using var second = await api.PollAsync(code, secret);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.DoesNotContain("bkdn_", await second.Content.ReadAsStringAsync());
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

    [Fact]
    public async Task Approval_needs_an_admin_token()
    {
        var code = RegistrationCodes.NewCode();
        using var _ = await Master.Http.PostAsJsonAsync("/api/v1/nodes/register", new { hostname = "h", code, registrationSecret = RegistrationCodes.NewSecret() });
        using var anonymous = await Master.Http.PostAsJsonAsync("/api/v1/nodes/approve", new { code });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Node_key_cannot_reach_admin_routes_or_other_nodes()
    {
        var api = await AdminAsync();
        var (nodeA, keyA) = await EnrolAsync(api);
        var (nodeB, _) = await EnrolAsync(api);

        using var self = await api.SendAsync(HttpMethod.Get, "/api/v1/nodes/self", bearerOverride: keyA);
        Assert.Equal(HttpStatusCode.OK, self.StatusCode);
        Assert.Equal(nodeA, (await self.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nodeId").GetString());

        using var otherNode = await api.SendAsync(HttpMethod.Get, $"/api/v1/nodes/{nodeB}", bearerOverride: keyA);
        Assert.Equal(HttpStatusCode.Forbidden, otherNode.StatusCode);
        using var list = await api.SendAsync(HttpMethod.Get, "/api/v1/nodes", bearerOverride: keyA);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        using var approve = await api.SendAsync(HttpMethod.Post, "/api/v1/nodes/approve", new { code = "ABCDE" }, bearerOverride: keyA);
        Assert.Equal(HttpStatusCode.Forbidden, approve.StatusCode);
        using var disableOther = await api.SendAsync(HttpMethod.Post, $"/api/v1/nodes/{nodeB}/disable", bearerOverride: keyA);
        Assert.Equal(HttpStatusCode.Forbidden, disableOther.StatusCode);
    }

    [Fact]
    public async Task Key_with_another_nodes_id_or_a_changed_secret_is_refused()
    {
        var api = await AdminAsync();
        var (nodeA, keyA) = await EnrolAsync(api);
        var (nodeB, _) = await EnrolAsync(api);

        using var forged = await api.SendAsync(HttpMethod.Get, "/api/v1/nodes/self", bearerOverride: keyA.Replace(nodeA, nodeB));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        using var changed = await api.SendAsync(HttpMethod.Get, "/api/v1/nodes/self", bearerOverride: keyA[..^1] + (keyA[^1] == 'A' ? 'B' : 'A'));
        Assert.Equal(HttpStatusCode.Unauthorized, changed.StatusCode);
    }

    [Fact]
    public async Task Disabled_and_deleted_nodes_keys_stop_working_at_once()
    {
        var api = await AdminAsync();
        var (disabledId, disabledKey) = await EnrolAsync(api);
        var (deletedId, deletedKey) = await EnrolAsync(api);

        using var disable = await api.SendAsync(HttpMethod.Post, $"/api/v1/nodes/{disabledId}/disable");
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        using var afterDisable = await api.SendAsync(HttpMethod.Get, "/api/v1/nodes/self", bearerOverride: disabledKey);
        Assert.Equal(HttpStatusCode.Unauthorized, afterDisable.StatusCode);

        using var delete = await api.SendAsync(HttpMethod.Delete, $"/api/v1/nodes/{deletedId}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var afterDelete = await api.SendAsync(HttpMethod.Get, "/api/v1/nodes/self", bearerOverride: deletedKey);
        Assert.Equal(HttpStatusCode.Unauthorized, afterDelete.StatusCode);
        using var gone = await api.SendAsync(HttpMethod.Get, $"/api/v1/nodes/{deletedId}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.DoesNotContain((await api.GetJsonAsync("/api/v1/nodes")).EnumerateArray(), n => n.GetProperty("id").GetString() == deletedId);
    }
}
