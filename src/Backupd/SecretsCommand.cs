using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Backupd;

/// <summary>
/// <c>backupd secrets rotate</c>: asks a running master to re-encrypt every stored secret with
/// the first of its keys. The master does the work because only it can read its own state.
/// </summary>
internal static class SecretsCommand
{
    public static Command Create()
    {
        var masterUrl = new Option<string?>("--master-url") { Description = "The master's REST URL. Otherwise BACKUPD_MASTER_URL, otherwise http://127.0.0.1:5080.", HelpName = "URL" };
        var token = new Option<string?>("--token") { Description = "An admin API token (POST /api/v1/auth/tokens). Otherwise BACKUPD_TOKEN.", HelpName = "TOKEN" };
        var rotate = new Command("rotate", "Re-encrypt every stored secret with the first key of the master's BACKUPD_SECRET_KEY. Restart the master with the new key first (BACKUPD_SECRET_KEY=new,old), rotate, then drop the old key.")
        {
            masterUrl,
            token,
        };
        rotate.SetAction((parse, cancellation) => RotateAsync(parse.GetValue(masterUrl), parse.GetValue(token), cancellation));
        return new Command("secrets", "Manage the encryption of secrets the master stores.") { rotate };
    }

    private static async Task<int> RotateAsync(string? masterUrl, string? token, CancellationToken cancellationToken)
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

        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.PostAsync("/api/v1/secrets/rotate", null, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                await Console.Error.WriteLineAsync($"backupd: the master answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                return 1;
            }

            var result = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var counts = result.GetProperty("reencrypted").EnumerateObject().Select(kind => $"{kind.Value.GetInt32()} {kind.Name}(s)").ToList();
            Console.WriteLine($"Re-encrypted the secrets of {string.Join(", ", counts[..^1])} and {counts[^1]} with the first key.");
            var unreadable = result.GetProperty("unreadable").EnumerateArray().ToList();
            if (unreadable.Count == 0)
            {
                return 0;
            }

            // The rotation is not finished: dropping the old key now would lose these.
            await Console.Error.WriteLineAsync($"backupd: {unreadable.Count} item(s) hold secrets that no configured key opens, and were left as they were:");
            foreach (var item in unreadable)
            {
                await Console.Error.WriteLineAsync($"  {item.GetProperty("kind").GetString()} {item.GetProperty("id").GetString()}: {item.GetProperty("secrets").GetInt32()} secret(s)");
            }

            await Console.Error.WriteLineAsync("backupd: add the key they were encrypted with to BACKUPD_SECRET_KEY (after the current one), restart the master and rotate again; keep every old key until this says nothing.");
            return 1;
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"backupd: cannot reach the master at {baseUrl}: {ex.Message}. Check --master-url.");
            return 1;
        }
    }
}
