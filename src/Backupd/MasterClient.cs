using System.Net.Http.Headers;
using System.Text.Json;

namespace Backupd;

/// <summary>
/// What the admin commands (<c>backupd secrets</c>, <c>backupd index</c>) share: where the
/// master is, the admin token, and one line on stderr for each way a call can go wrong.
/// </summary>
internal static class MasterClient
{
    public const string MasterUrlHelp = "The master's REST URL. Otherwise BACKUPD_MASTER_URL, otherwise http://127.0.0.1:5080.";
    public const string TokenHelp = "An admin API token (POST /api/v1/auth/tokens). Otherwise BACKUPD_TOKEN.";

    /// <summary>
    /// POSTs to <paramref name="path"/> and hands the JSON answer to <paramref name="report"/>,
    /// whose result is the exit code; 2 for a missing token or URL, 1 when the call fails.
    /// </summary>
    public static async Task<int> PostAsync(string? masterUrl, string? token, string path, Func<JsonElement, Task<int>> report, CancellationToken cancellationToken)
    {
        var url = masterUrl ?? Environment.GetEnvironmentVariable("BACKUPD_MASTER_URL") ?? "http://127.0.0.1:5080";
        token ??= Environment.GetEnvironmentVariable("BACKUPD_TOKEN");
        if (string.IsNullOrEmpty(token))
        {
            await Console.Error.WriteLineAsync("backupd: an admin token is needed: pass --token or set BACKUPD_TOKEN (get one with POST /api/v1/auth/tokens).");
            return 2;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl))
        {
            await Console.Error.WriteLineAsync($"backupd: '{url}' is not a URL; pass --master-url http://host:5080.");
            return 2;
        }

        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.PostAsync(path, null, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                await Console.Error.WriteLineAsync($"backupd: the master answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                return 1;
            }

            using var answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return await report(answer.RootElement);
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"backupd: cannot reach the master at {baseUrl}: {ex.Message}. Check --master-url.");
            return 1;
        }
    }
}
