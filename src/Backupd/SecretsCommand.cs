using System.CommandLine;
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
        var masterUrl = new Option<string?>("--master-url") { Description = MasterClient.MasterUrlHelp, HelpName = "URL" };
        var token = new Option<string?>("--token") { Description = MasterClient.TokenHelp, HelpName = "TOKEN" };
        var rotate = new Command("rotate", "Re-encrypt every stored secret with the first key of the master's BACKUPD_SECRET_KEY. Restart the master with the new key first (BACKUPD_SECRET_KEY=new,old), rotate, then drop the old key.")
        {
            masterUrl,
            token,
        };
        rotate.SetAction((parse, cancellation) => RotateAsync(parse.GetValue(masterUrl), parse.GetValue(token), cancellation));
        return new Command("secrets", "Manage the encryption of secrets the master stores.") { rotate };
    }

    private static Task<int> RotateAsync(string? masterUrl, string? token, CancellationToken cancellationToken) =>
        MasterClient.PostAsync(masterUrl, token, "/api/v1/secrets/rotate", ReportAsync, cancellationToken);

    private static async Task<int> ReportAsync(JsonElement result)
    {
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
}
