using Backupd.Contracts.Nodes;
using Backupd.Grains.Nodes;
using Backupd.Node.Identity;
using Backupd.Tests.Master;

namespace Backupd.Tests.Nodes;

/// <summary>When the master shows a node online: its heartbeats against a clock the test moves.</summary>
[Collection(FakeClockSiloCollection.Name)]
public sealed class NodeOnlineTests(FakeClockSiloFixture silo)
{
    private static readonly NodeCapabilities Capabilities = new("0.1.0", "Linux", [], 1L << 30);

    [Fact]
    public async Task A_node_that_stops_heartbeating_shows_offline_after_90_seconds_and_online_again_at_its_next_heartbeat()
    {
        var (nodeId, apiKey) = await EnrolAsync();
        var node = silo.Client.GetGrain<INodeGrain>(nodeId);
        var session = silo.Client.GetGrain<INodeSessionGrain>(nodeId);
        // Claiming the key is contact too; a minute later it is the heartbeat that counts.
        silo.Advance(TimeSpan.FromSeconds(60));
        await session.HeartbeatAsync(apiKey, Capabilities);
        Assert.True((await node.GetSummaryAsync())!.Online);

        silo.Advance(TimeSpan.FromSeconds(89));
        Assert.True((await node.GetSummaryAsync())!.Online, "89 s after its last heartbeat the node is still online");

        silo.Advance(TimeSpan.FromSeconds(1));
        var offline = (await node.GetSummaryAsync())!;
        Assert.False(offline.Online, "90 s after its last heartbeat the node is offline");
        Assert.Equal(NodeStatus.Active, offline.Status);

        await session.HeartbeatAsync(apiKey, Capabilities);
        Assert.True((await node.GetSummaryAsync())!.Online);
    }

    private async Task<(string NodeId, string ApiKey)> EnrolAsync()
    {
        var nodeId = "n" + Guid.NewGuid().ToString("N")[..16];
        var secret = RegistrationCodes.NewSecret();
        var node = silo.Client.GetGrain<INodeGrain>(nodeId);
        await node.RegisterAsync(new RegistrationRequest("web-1", RegistrationCodes.NewCode(), secret, "127.0.0.1", NodeKey.Create().CertificateRequestPem, "127.0.0.1"), DateTimeOffset.MaxValue);
        Assert.Equal(RegistrationOutcome.Ok, (await node.ApproveAsync()).Outcome);
        var claimed = await node.ClaimAsync(secret);
        return (nodeId, claimed.ApiKey!);
    }
}
