using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Contracts;
using Backupd.Contracts.Auth;
using Backupd.Contracts.Health;
using Backupd.Contracts.Nodes;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Nodes;

/// <summary>
/// A client that reaches the master's Orleans gateway tries what it should not: no key, a wrong
/// key, a disabled node's key, another node's key, and admin grains.
/// </summary>
[Collection(SharedMasterCollection.Name)]
public sealed class GatewayAttackerTests(SharedMasterFixture fixture) : IAsyncLifetime
{
    private static readonly NodeCapabilities Capabilities = new("0.0.0-test", "test", [], 1);

    private MasterProcess Master => fixture.Master;

    private GatewayClient _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayClient.ConnectAsync(Master.GatewayPort);

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private INodeSessionGrain Session(string nodeId) => _gateway.Client.GetGrain<INodeSessionGrain>(nodeId);

    private async Task<(string NodeId, string ApiKey, MasterApi Api)> EnrolAsync()
    {
        var api = new MasterApi(Master.Http, await Master.IssueTokenAsync());
        var node = await NodeEnrolment.EnrolAsync(api);
        return (node.NodeId, node.ApiKey, api);
    }

    [Fact]
    public async Task Node_with_its_own_key_is_heard()
    {
        var (nodeId, key, api) = await EnrolAsync();
        await Session(nodeId).HeartbeatAsync(key, Capabilities);
        Assert.True((await api.GetJsonAsync($"/api/v1/nodes/{nodeId}")).GetProperty("online").GetBoolean());
    }

    [Theory]
    [InlineData("")]
    [InlineData("bkdn_n0000000000000000_guess")]
    [InlineData("not a key")]
    public async Task Call_without_a_valid_key_is_refused(string key)
    {
        var (nodeId, _, _) = await EnrolAsync();
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Session(nodeId).HeartbeatAsync(key, Capabilities));
    }

    [Fact]
    public async Task Wrong_secret_for_the_right_node_is_refused()
    {
        var (nodeId, key, _) = await EnrolAsync();
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Session(nodeId).HeartbeatAsync(key[..^3] + "xyz", Capabilities));
    }

    [Fact]
    public async Task Node_A_key_cannot_act_as_node_B()
    {
        var (_, keyA, _) = await EnrolAsync();
        var (nodeB, _, api) = await EnrolAsync();
        var seenBefore = (await api.GetJsonAsync($"/api/v1/nodes/{nodeB}")).GetProperty("lastSeenAt").GetString();
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Session(nodeB).HeartbeatAsync(keyA, Capabilities));
        var nodeAfter = await api.GetJsonAsync($"/api/v1/nodes/{nodeB}");
        Assert.Equal(seenBefore, nodeAfter.GetProperty("lastSeenAt").GetString());
        Assert.Equal(JsonValueKind.Null, nodeAfter.GetProperty("capabilities").ValueKind);
    }

    [Fact]
    public async Task Disabled_nodes_key_is_refused()
    {
        var (nodeId, key, api) = await EnrolAsync();
        using var _ = await api.SendAsync(HttpMethod.Post, $"/api/v1/nodes/{nodeId}/disable");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Session(nodeId).HeartbeatAsync(key, Capabilities));
    }

    [Fact]
    public async Task Client_that_makes_up_an_in_silo_proof_is_refused()
    {
        Orleans.Runtime.RequestContext.Set("backupd.in-silo", new byte[32]);
        try
        {
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _gateway.Client.GetGrain<IAdminAccountGrain>("admin").IsCreatedAsync());
        }
        finally
        {
            Orleans.Runtime.RequestContext.Clear();
        }
    }

    [Fact]
    public async Task Client_cannot_reach_admin_grains()
    {
        var (nodeId, key, api) = await EnrolAsync();
        var pendingCode = RegistrationCodes.NewCode();
        using var registered = await api.RegisterAsync(pendingCode, RegistrationCodes.NewSecret());
        var pendingId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nodeId").GetString();

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _gateway.Client.GetGrain<IAdminAccountGrain>("admin").IssueTokenAsync(MasterProcess.AdminPassword));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _gateway.Client.GetGrain<IAdminAccountGrain>("admin").EnsureCreatedAsync("attacker-password-1"));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _gateway.Client.GetGrain<INodeGrain>(nodeId).DisableAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _gateway.Client.GetGrain<INodeGrain>(nodeId).GetSummaryAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _gateway.Client.GetGrain<IRegistrationCodeGrain>(pendingCode).ApproveAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _gateway.Client.Of(Directories.Nodes).ListAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _gateway.Client.GetGrain<IHealthProbeGrain>(0).PingAsync());

        Assert.Equal("active", (await api.GetJsonAsync($"/api/v1/nodes/{nodeId}")).GetProperty("status").GetString());
        Assert.Equal("pending", (await api.GetJsonAsync($"/api/v1/nodes/{pendingId}")).GetProperty("status").GetString());
        await Session(nodeId).HeartbeatAsync(key, Capabilities);
    }
}
