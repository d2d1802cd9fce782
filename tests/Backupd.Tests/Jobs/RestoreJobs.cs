using System.Net;
using System.Text.Json;
using Backupd.TestBed;
using MySqlConnector;

namespace Backupd.Tests.Jobs;

/// <summary>What the restore tests ask of the master and of a test site, said once.</summary>
internal static class RestoreJobs
{
    /// <summary>Posts a restore (answered 201 with the job's address) and waits for the job to end.</summary>
    public static async Task<JsonElement> RunAsync(JobsEndToEndFixture fixture, object request, TimeSpan timeout)
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/restores", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        Assert.EndsWith("/api/v1/jobs/" + id, response.Headers.Location!.ToString(), StringComparison.Ordinal);
        return await fixture.WaitForJobAsync(id, JobsEndToEndFixture.IsFinished, timeout);
    }

    /// <summary>A job's log lines, oldest first.</summary>
    public static List<string> Messages(JsonElement job) => [.. job.GetProperty("log").EnumerateArray().Select(line => line.GetProperty("message").GetString()!)];

    /// <summary>Runs SQL in the site's database as the site's user.</summary>
    public static async Task ExecuteAsync(WordPressSite site, string sql)
    {
        await using var connection = new MySqlConnection(site.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
