using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Backupd.Tests.Nodes;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Master.Api;

/// <summary>What the master's HTTP surface gives away and takes in, against a real master process.</summary>
[Collection(SharedMasterCollection.Name)]
public sealed class AdminSurfaceTests(SharedMasterFixture fixture)
{
    private MasterProcess Master => fixture.Master;

    [Fact]
    public async Task Every_answer_carries_the_browser_protections_names_no_server_and_api_answers_are_not_cached()
    {
        var token = await Master.IssueTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/tokens");
        request.Headers.Authorization = MasterProcess.Basic("admin", MasterProcess.AdminPassword);
        using var issued = await Master.Http.SendAsync(request);
        using var health = await Master.Http.GetAsync("/healthz");
        var api = new MasterApi(Master.Http, token);
        using var system = await api.SendAsync(HttpMethod.Get, "/api/v1/system");

        foreach (var response in new[] { issued, health, system })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.False(response.Headers.Contains("Server"), $"{response.RequestMessage!.RequestUri}: Server: {string.Join(",", response.Headers.Server)}");
        }

        Assert.True(issued.Headers.CacheControl!.NoStore, "the answer that carries a new token may be cached");
        Assert.True(system.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task A_body_larger_than_a_route_takes_is_refused_with_413_saying_so()
    {
        var token = await Master.IssueTokenAsync();
        // Expect: 100-continue, so that the refusal comes before the body is sent, as a careful client asks.
        using var register = await PostAsync("/api/v1/nodes/register", $$"""{"hostname":"{{new string('x', 20 * 1024 * 1024)}}","code":"ABCDE","registrationSecret":"x"}""", bearer: null);
        using var provider = await PostAsync("/api/v1/providers", $$"""{"name":"{{new string('x', 2 * 1024 * 1024)}}","type":"local","path":"/x"}""", token);

        foreach (var (response, limit) in new[] { (register, "16 KiB"), (provider, "1024 KiB") })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal($"The request body is larger than this route takes ({limit}). Send less.", problem.GetProperty("detail").GetString());
        }
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string json, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        if (bearer is not null)
        {
            request.Headers.Authorization = new("Bearer", bearer);
        }

        return await Master.Http.SendAsync(request);
    }

    [Theory]
    [InlineData("""{ "hostname": 5 }""")]
    [InlineData("""{ "hostname": """)]
    [InlineData("""[1, 2]""")]
    public async Task An_unreadable_body_is_explained_without_naming_the_masters_types(string json)
    {
        using var response = await Master.Http.PostAsync("/api/v1/nodes/register", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.StartsWith("The request body is not the JSON this route takes", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Backupd", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hostname_with_control_characters_is_stored_without_them_and_logged_escaped()
    {
        var api = new MasterApi(Master.Http, await Master.IssueTokenAsync());
        var hostname = $"evil-{Guid.NewGuid():N}"[..16];
        using var registered = await api.RegisterAsync(RegistrationCodes.NewCode(), RegistrationCodes.NewSecret(), hostname + "\u001b[31m\r\nfake: line");
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var nodeId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nodeId").GetString();

        Assert.Equal(hostname + "[31mfake: line", (await api.GetJsonAsync($"/api/v1/nodes/{nodeId}")).GetProperty("hostname").GetString());
        await Master.Process.WaitForOutputAsync($"Node {nodeId} \\({hostname}", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain('\u001b', Master.Output);
    }

    [Fact]
    public async Task Every_string_an_admin_sends_is_stored_without_control_characters()
    {
        var api = new MasterApi(Master.Http, await Master.IssueTokenAsync());

        using var created = await api.SendAsync(HttpMethod.Post, "/api/v1/providers", new
        {
            name = "offsite\u001b]0;pwned\u0007 \u202Egpj.exe", type = "local", path = "/srv/\u001b[2Jbackups",
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var stored = await api.GetJsonAsync($"/api/v1/providers/{id}");
        Assert.Equal("offsite]0;pwned gpj.exe", stored.GetProperty("name").GetString());
        Assert.Equal("/srv/[2Jbackups", stored.GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_node_list_filter_that_is_not_a_status_is_refused_naming_the_statuses()
    {
        var api = new MasterApi(Master.Http, await Master.IssueTokenAsync());

        using var response = await api.SendAsync(HttpMethod.Get, "/api/v1/nodes?status=deleted");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("\"status\" must be one of pending, active, disabled, expired.",
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_schedule_that_fires_more_often_than_allowed_is_refused_naming_the_setting()
    {
        var api = new MasterApi(Master.Http, await Master.IssueTokenAsync());
        var node = await NodeEnrolment.EnrolAsync(api);
        var provider = await api.CreateUnreachableS3ProviderAsync("frequent", "unused-secret");

        using var response = await api.SendAsync(HttpMethod.Post, "/api/v1/schedules", new
        {
            name = "every five seconds", cron = "*/5 * * * * *", nodeId = node.NodeId, module = "wordpress", config = new { path = "/srv/www/x" }, providerId = provider,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("cron");
        Assert.Equal("'*/5 * * * * *' fires as often as every 5 s; schedules may fire at most every 60 s (BACKUPD_SCHEDULE_MIN_INTERVAL)", errors[0].GetString());
    }
}
