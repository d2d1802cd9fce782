using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Master.Api;

/// <summary>What the jobs, modules and providers APIs accept and refuse, on a real master process.</summary>
[Collection(SharedMasterCollection.Name)]
public sealed class JobsApiTests(SharedMasterFixture fixture) : IAsyncLifetime
{
    private MasterApi _api = null!;
    private string _nodeId = null!;
    private string _providerId = null!;

    public async Task InitializeAsync()
    {
        _api = new MasterApi(fixture.Master.Http, await fixture.Master.IssueTokenAsync());
        _nodeId = (await NodeEnrolment.EnrolAsync(_api)).NodeId;
        using var provider = await _api.SendAsync(HttpMethod.Post, "/api/v1/providers", new { name = "api tests", type = "local", path = "/var/backups/backupd" });
        Assert.Equal(HttpStatusCode.Created, provider.StatusCode);
        _providerId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Modules_lists_wordpress_with_its_stages_and_a_config_schema_that_requires_path()
    {
        var modules = await _api.GetJsonAsync("/api/v1/modules");
        var wordpress = modules.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "wordpress");

        Assert.Equal(["backup_db", "backup_files", "create_bundle", "upload_remote", "cleanup"], wordpress.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var schema = wordpress.GetProperty("configSchema");
        Assert.Contains("path", schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("string", schema.GetProperty("properties").GetProperty("path").GetProperty("type").GetString());
        Assert.True(schema.GetProperty("properties").TryGetProperty("db", out _));
        Assert.Contains("mysqldump", wordpress.GetProperty("requiredTools").EnumerateArray().Select(t => t.GetString()));
        Assert.False(wordpress.GetProperty("masterOnly").GetBoolean());
        Assert.True(modules.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "prune").GetProperty("masterOnly").GetBoolean());
    }

    [Fact]
    public async Task A_valid_job_is_created_pending_and_can_be_read_back()
    {
        using var response = await PostJobAsync(new { nodeId = _nodeId, module = "wordpress", config = new { path = "/srv/www/example" }, providerId = _providerId, priority = 7 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal($"/api/v1/jobs/{id}", response.Headers.Location!.OriginalString);
        var job = await _api.GetJsonAsync($"/api/v1/jobs/{id}");
        Assert.Equal("pending", job.GetProperty("state").GetString());
        Assert.Equal(7, job.GetProperty("priority").GetInt32());
        Assert.Equal(5, job.GetProperty("stages").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"module":"wordpress","config":{},"priority":5}""", "config.path", "is required")]
    [InlineData("""{"module":"wordpress","config":{"path":42}}""", "config.path", "must be a string")]
    [InlineData("""{"module":"wordpress","config":{"path":"relative/dir"}}""", "config.path", "absolute")]
    [InlineData("""{"module":"wordpress","config":{"path":"/srv/a","colour":"red"}}""", "config.colour", "not a known setting")]
    [InlineData("""{"module":"wordpress","config":{"path":"/srv/a","db":{"port":"3306"}}}""", "config.db.port", "whole number")]
    [InlineData("""{"module":"wordpress","config":{"path":"/srv/a","compressionLevel":40}}""", "config.compressionLevel", "1 to 19")]
    [InlineData("""{"module":"wordpress","config":{"path":"/srv/a","exclude":["../etc"]}}""", "config.exclude[0]", "..")]
    [InlineData("""{"module":"wordpress"}""", "config", "is required")]
    [InlineData("""{"module":"mysql-9000","config":{}}""", "module", "not a module")]
    // Retention's deletions are the master's to order: a token may not ask a node to delete bundles by key.
    [InlineData("""{"module":"prune","config":{"keys":["a/b/c.tar.zst"],"jobIds":["x"]}}""", "module", "the master's own")]
    [InlineData("""{"config":{}}""", "module", "is required")]
    [InlineData("""{"module":"wordpress","config":{"path":"/srv/a"},"priority":11}""", "priority", "0 to 10")]
    public async Task A_bad_job_is_a_400_that_names_the_field(string partialBody, string field, string expected)
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(partialBody)!;
        body.TryAdd("nodeId", JsonSerializer.SerializeToElement(_nodeId));
        body.TryAdd("providerId", JsonSerializer.SerializeToElement(_providerId));

        using var response = await PostJobAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"No error for {field}: {problem}");
        Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains(expected, StringComparison.Ordinal));
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_node_and_provider_are_named()
    {
        using var response = await PostJobAsync(new { nodeId = "nope", module = "wordpress", config = new { path = "/srv/a" }, providerId = "missing" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("'nope'", errors.GetProperty("nodeId")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("'missing'", errors.GetProperty("providerId")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_and_creates_nothing()
    {
        var before = (await _api.GetJsonAsync($"/api/v1/jobs?nodeId={_nodeId}")).GetProperty("total").GetInt32();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs") { Content = new StringContent("{\"nodeId\": ", Encoding.UTF8, "application/json") };
        using var response = await _api.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, (await _api.GetJsonAsync($"/api/v1/jobs?nodeId={_nodeId}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Listing_refuses_an_unknown_state_and_a_missing_job_is_404()
    {
        using var badState = await _api.SendAsync(HttpMethod.Get, "/api/v1/jobs?state=finished-ish");
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Contains("pending", await badState.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var missing = await _api.SendAsync(HttpMethod.Get, "/api/v1/jobs/0000");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Jobs_need_an_admin_token()
    {
        using var response = await fixture.Master.Http.GetAsync("/api/v1/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_job_that_ended_runs_again_as_a_new_job_with_the_same_settings_and_one_still_pending_is_refused()
    {
        var first = await _api.CreateJobAsync(_nodeId, _providerId, new { path = "/srv/www/again", compressionLevel = 9 });
        using (var early = await _api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{first}/run-again"))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
            Assert.Contains("still pending", (await early.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using (var cancel = await _api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{first}/cancel"))
        {
            cancel.EnsureSuccessStatusCode();
        }

        using var again = await _api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{first}/run-again");

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var second = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.NotEqual(first, second);
        var (original, copy) = (await _api.GetJsonAsync($"/api/v1/jobs/{first}"), await _api.GetJsonAsync($"/api/v1/jobs/{second}"));
        Assert.Equal("cancelled", original.GetProperty("state").GetString());
        Assert.Equal("pending", copy.GetProperty("state").GetString());
        foreach (var field in new[] { "nodeId", "module", "configJson", "providerId", "priority", "maxAttempts" })
        {
            Assert.Equal(original.GetProperty(field).GetRawText(), copy.GetProperty(field).GetRawText());
        }
    }

    [Fact]
    public async Task A_job_whose_config_had_secrets_runs_again_only_with_the_config_given_again()
    {
        var first = await _api.CreateJobAsync(_nodeId, _providerId, new { path = "/srv/www/secret-again", db = new { password = "first-password" } });
        using (var cancel = await _api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{first}/cancel"))
        {
            cancel.EnsureSuccessStatusCode();
        }

        using (var refused = await _api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{first}/run-again"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("send the config again", problem.GetProperty("errors").GetProperty("config")[0].GetString(), StringComparison.Ordinal);
        }

        using var again = await _api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{first}/run-again",
            new { config = new { path = "/srv/www/secret-again", db = new { password = "second-password" } } });

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var copy = await _api.GetJsonAsync($"/api/v1/jobs/{(await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()}");
        Assert.Equal("pending", copy.GetProperty("state").GetString());
        Assert.DoesNotContain("second-password", copy.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Running_again_a_job_that_does_not_exist_answers_404()
    {
        using var response = await _api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{new string('0', 32)}/run-again");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private Task<HttpResponseMessage> PostJobAsync(object body) => _api.SendAsync(HttpMethod.Post, "/api/v1/jobs", body);
}
