using System.Net;
using System.Text.Json;
using System.Net.Http.Json;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Nodes;

public sealed class RegistrationExpiryTests
{
    [Fact]
    public async Task Expired_code_cannot_be_approved_or_claimed_and_may_be_reused()
    {
        await using var master = new MasterProcess(extraEnvironment: new Dictionary<string, string> { ["BACKUPD_REGISTRATION_CODE_LIFETIME"] = "00:00:02" });
        await master.StartAsync();
        var api = new MasterApi(master.Http, await master.IssueTokenAsync());
        var code = RegistrationCodes.NewCode();
        var secret = RegistrationCodes.NewSecret();
        using var registered = await api.RegisterAsync(code, secret);
        var nodeId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nodeId").GetString();

        await Task.Delay(TimeSpan.FromSeconds(3));
        using var approve = await api.ApproveAsync(code);
        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);
        Assert.Contains("expired", await approve.Content.ReadAsStringAsync());
        using var poll = await api.PollAsync(code, secret);
        Assert.Equal(HttpStatusCode.Gone, poll.StatusCode);
        Assert.Equal("expired", (await api.GetJsonAsync($"/api/v1/nodes/{nodeId}")).GetProperty("status").GetString());

        using var again = await api.RegisterAsync(code, RegistrationCodes.NewSecret());
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task An_expired_registration_leaves_the_node_list_and_is_removed_after_the_grace_period()
    {
        await using var master = new MasterProcess(extraEnvironment: new Dictionary<string, string>
        {
            ["BACKUPD_REGISTRATION_CODE_LIFETIME"] = "00:00:02",
            ["BACKUPD_REGISTRATION_EXPIRED_GRACE"] = "00:00:04",
        });
        await master.StartAsync();
        var api = new MasterApi(master.Http, await master.IssueTokenAsync());
        var code = RegistrationCodes.NewCode();
        using var registered = await api.RegisterAsync(code, RegistrationCodes.NewSecret(), "stray");
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nodeId").GetString()!;
        Assert.Contains(id, await IdsAsync(api, "/api/v1/nodes"));

        await WaitUntilAsync(async () => !(await IdsAsync(api, "/api/v1/nodes")).Contains(id), TimeSpan.FromSeconds(15));
        Assert.Contains(id, await IdsAsync(api, "/api/v1/nodes?status=expired"));
        Assert.Equal("expired", (await api.GetJsonAsync($"/api/v1/nodes/{id}")).GetProperty("status").GetString());

        await WaitUntilAsync(async () =>
        {
            using var response = await api.SendAsync(HttpMethod.Get, $"/api/v1/nodes/{id}");
            return response.StatusCode == HttpStatusCode.NotFound;
        }, TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(id, await IdsAsync(api, "/api/v1/nodes?status=expired"));
        await master.Process.WaitForOutputAsync($"Removed node {id} \\(stray\\): its registration expired", TimeSpan.FromSeconds(5));

        // The code is free again, and the removed registration cannot be approved or claimed.
        using var approve = await api.ApproveAsync(code);
        Assert.Equal(HttpStatusCode.NotFound, approve.StatusCode);
        using var reused = await api.RegisterAsync(code, RegistrationCodes.NewSecret(), "second try");
        Assert.Equal(HttpStatusCode.Created, reused.StatusCode);
    }

    private static async Task<List<string>> IdsAsync(MasterApi api, string path) =>
        [.. (await api.GetJsonAsync(path)).EnumerateArray().Select(n => n.GetProperty("id").GetString()!)];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task A_node_held_back_by_the_pending_cap_says_so_waits_and_registers_when_a_place_frees_up()
    {
        await using var master = new MasterProcess(extraEnvironment: new Dictionary<string, string>
        {
            ["BACKUPD_REGISTRATION_MAX_PENDING_PER_ADDRESS"] = "1",
            ["BACKUPD_REGISTRATION_CODE_LIFETIME"] = "00:00:06",
        });
        await master.StartAsync();
        var api = new MasterApi(master.Http, await master.IssueTokenAsync());
        using var holder = await api.RegisterAsync(RegistrationCodes.NewCode(), RegistrationCodes.NewSecret(), "holds-the-place");
        Assert.Equal(HttpStatusCode.Created, holder.StatusCode);

        await using var node = new NodeProcess(master.BaseUrl);
        node.Start();

        await node.Process.WaitForOutputAsync("The master held the registration back: This address already has as many registrations waiting", TimeSpan.FromSeconds(30));
        Assert.False(node.Process.HasExited, $"the node gave up:\n{node.Process.Output}");
        var code = await node.WaitForCodeAsync();
        using var approved = await api.ApproveAsync(code);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        await node.Process.WaitForOutputAsync("Approved as node", TimeSpan.FromSeconds(30));
    }
}
