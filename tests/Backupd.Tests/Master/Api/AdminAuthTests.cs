using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Master.Api;

[Collection(SharedMasterCollection.Name)]
public sealed class AdminAuthTests(SharedMasterFixture fixture)
{
    private MasterProcess Master => fixture.Master;

    private async Task<HttpResponseMessage> GetAsync(string path, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await Master.Http.SendAsync(request);
    }

    [Fact]
    public async Task Api_route_without_a_token_is_401_and_says_how_to_get_one()
    {
        using var response = await GetAsync("/api/v1/system");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("POST /api/v1/auth/tokens", body);
    }

    [Fact]
    public async Task Api_route_with_a_token_is_200()
    {
        var token = await Master.IssueTokenAsync();
        using var response = await GetAsync("/api/v1/system", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var info = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("backupd", info.GetProperty("clusterId").GetString());
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("bkd_0123456789abcdef01234567_wrongsecret")]
    public async Task Api_route_with_a_bad_token_is_401(string token)
    {
        using var response = await GetAsync("/api/v1/system", token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Token_with_a_changed_secret_is_401()
    {
        var token = await Master.IssueTokenAsync();
        using var response = await GetAsync("/api/v1/system", token[..^2] + (token[^2..] == "AA" ? "BB" : "AA"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_api_route_is_401_before_it_is_404()
    {
        using var anonymous = await GetAsync("/api/v1/no-such-thing");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var authenticated = await GetAsync("/api/v1/no-such-thing", await Master.IssueTokenAsync());
        Assert.Equal(HttpStatusCode.NotFound, authenticated.StatusCode);
    }

    [Fact]
    public async Task Wrong_password_is_refused_and_gets_no_token()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/tokens");
        request.Headers.Authorization = MasterProcess.Basic("admin", MasterProcess.AdminPassword + "x");
        using var response = await Master.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\"token\"", body);
        Assert.Contains("Wrong user name or password", body);
    }

    [Fact]
    public async Task Unknown_user_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/tokens");
        request.Headers.Authorization = MasterProcess.Basic("root", MasterProcess.AdminPassword);
        using var response = await Master.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Basic YWRtaW4=")]
    public async Task Token_request_without_usable_basic_credentials_is_401_with_a_basic_challenge(string? header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/tokens");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }

        using var response = await Master.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
    }

    [Fact]
    public async Task Token_is_not_accepted_as_basic_password_and_bearer_is_not_accepted_for_tokens()
    {
        var token = await Master.IssueTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/tokens");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Master.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Revoked_token_stops_working_at_once()
    {
        var admin = await Master.IssueTokenAsync();
        var doomed = await Master.IssueTokenAsync();
        var doomedId = doomed.Split('_')[1];

        using var revoke = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/auth/tokens/{doomedId}");
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var revoked = await Master.Http.SendAsync(revoke);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        using var after = await GetAsync("/api/v1/system", doomed);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var stillFine = await GetAsync("/api/v1/system", admin);
        Assert.Equal(HttpStatusCode.OK, stillFine.StatusCode);
    }

    [Fact]
    public async Task Health_is_open_and_reports_silo_and_database()
    {
        using var response = await GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("silo").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_document_is_served_and_describes_the_token_route()
    {
        using var response = await GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/auth/tokens", out _));
    }

    [Fact]
    public async Task Admin_password_from_the_environment_never_reaches_the_log()
    {
        await Master.IssueTokenAsync();
        Assert.DoesNotContain(MasterProcess.AdminPassword, Master.Output);
    }
}
