using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Nodes;

/// <summary>The whole flow with a real master process and a real node process.</summary>
public sealed class NodeRegistrationFlowTests
{
    [Fact]
    public async Task Code_on_console_approve_active_restart_without_new_code_then_disable_refuses_the_node()
    {
        await using var master = new MasterProcess();
        await master.StartAsync();
        var api = new MasterApi(master.Http, await master.IssueTokenAsync());
        await using var node = new NodeProcess(master.BaseUrl);
        node.Start();

        var code = await node.WaitForCodeAsync();
        using var approve = await api.ApproveAsync(code);
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        var approved = await approve.Content.ReadFromJsonAsync<JsonElement>();
        var nodeId = approved.GetProperty("id").GetString()!;
        Assert.Equal(Environment.MachineName, approved.GetProperty("hostname").GetString());
        Assert.Equal("127.0.0.1", approved.GetProperty("ipAddress").GetString());

        var connected = $"Connected to the master as node {nodeId}";
        await node.Process.WaitForOutputAsync(connected, TimeSpan.FromSeconds(30));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(node.IdentityFile));
        var listed = (await api.GetJsonAsync("/api/v1/nodes")).EnumerateArray().Single(n => n.GetProperty("id").GetString() == nodeId);
        Assert.Equal("active", listed.GetProperty("status").GetString());
        Assert.True(listed.GetProperty("online").GetBoolean());
        var capabilities = listed.GetProperty("capabilities");
        Assert.StartsWith("0.", capabilities.GetProperty("version").GetString());
        Assert.True(capabilities.GetProperty("freeDiskBytes").GetInt64() > 0);
        var wordpress = capabilities.GetProperty("modules").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "wordpress");
        Assert.Equal("mysqldump", wordpress.GetProperty("tools")[0].GetProperty("name").GetString());

        Assert.Equal(0, await node.StopAsync());
        node.Start();
        await node.Process.WaitForOutputAsync(connected, TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("Registration code:", node.Process.Output);

        // The node finds its way back after the master restarts.
        var before = node.Process.Output.Length;
        Assert.Equal(0, await master.StopAsync());
        await node.Process.WaitForOutputAsync("Lost the master", TimeSpan.FromSeconds(60), before);
        await master.StartAsync();
        await node.Process.WaitForOutputAsync(connected, TimeSpan.FromSeconds(60), before);
        api = new MasterApi(master.Http, await master.IssueTokenAsync());

        using var disable = await api.SendAsync(HttpMethod.Post, $"/api/v1/nodes/{nodeId}/disable");
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        await node.Process.WaitForOutputAsync($"The master refused node {nodeId}: .*Node {nodeId} is disabled or deleted", TimeSpan.FromSeconds(30));
        Assert.Equal("disabled", (await api.GetJsonAsync($"/api/v1/nodes/{nodeId}")).GetProperty("status").GetString());

        // A node's every request (a heartbeat every few seconds) passed through the admin token's
        // scheme too, and left a "was not authenticated" line in the master's log each time.
        Assert.DoesNotContain("was not authenticated", master.Output, StringComparison.Ordinal);

        var identity = JsonDocument.Parse(await File.ReadAllTextAsync(node.IdentityFile)).RootElement;
        var apiKey = identity.GetProperty("apiKey").GetString()!;
        Assert.DoesNotContain(apiKey, master.Output);
        Assert.DoesNotContain(apiKey, node.Process.Output);
        // The certificate's private key was made on the node and never left it.
        var privateKey = identity.GetProperty("privateKeyPem").GetString()!.Split('\n')[1];
        Assert.DoesNotContain(privateKey, master.Output);
        Assert.DoesNotContain(privateKey, node.Process.Output);
        SecretScan.AssertNotInFiles(master.DataDir, privateKey);
    }
}
