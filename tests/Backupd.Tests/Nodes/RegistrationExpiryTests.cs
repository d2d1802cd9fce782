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
}
