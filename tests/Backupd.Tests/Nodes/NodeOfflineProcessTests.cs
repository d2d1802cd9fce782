using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Nodes;

/// <summary>
/// A node process that dies without a word, with real processes and the real clock: the master
/// stops showing it online once its last heartbeat is 90 s old. The exact boundary is in
/// <see cref="NodeOnlineTests"/>, on a clock the test moves; this is the same promise end to end.
/// </summary>
public sealed class NodeOfflineProcessTests
{
    private static readonly TimeSpan OnlineWindow = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_node_killed_without_a_word_shows_offline_90_seconds_after_its_last_heartbeat()
    {
        await using var master = new MasterProcess();
        await master.StartAsync();
        var api = new MasterApi(master.Http, await master.IssueTokenAsync());
        await using var node = new NodeProcess(master.BaseUrl);
        node.Start();
        using var approve = await api.ApproveAsync(await node.WaitForCodeAsync());
        var nodeId = (await approve.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await node.Process.WaitForOutputAsync($"Connected to the master as node {nodeId}", TimeSpan.FromSeconds(60));
        Assert.True((await GetNodeAsync(api, nodeId)).GetProperty("online").GetBoolean());

        await node.KillAsync();
        var lastSeen = (await GetNodeAsync(api, nodeId)).GetProperty("lastSeenAt").GetDateTimeOffset();

        var deadline = DateTime.UtcNow + OnlineWindow + TimeSpan.FromSeconds(60);
        JsonElement seen;
        while ((seen = await GetNodeAsync(api, nodeId)).GetProperty("online").GetBoolean())
        {
            Assert.True(DateTime.UtcNow < deadline, $"still online: {seen}");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        // Polled once a second: offline no earlier than the window, and not much later.
        var offlineAfter = DateTimeOffset.UtcNow - lastSeen;
        Assert.InRange(offlineAfter, OnlineWindow, OnlineWindow + TimeSpan.FromSeconds(15));
        Assert.Equal(lastSeen, seen.GetProperty("lastSeenAt").GetDateTimeOffset());
        Assert.Equal("active", seen.GetProperty("status").GetString());
    }

    private static async Task<JsonElement> GetNodeAsync(MasterApi api, string nodeId) => await api.GetJsonAsync($"/api/v1/nodes/{nodeId}");
}
