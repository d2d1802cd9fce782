using System.CommandLine;
using System.Text.Json;

namespace Backupd;

/// <summary>
/// <c>backupd index rebuild</c>: asks a running master to rewrite its index tables from the
/// grains' own state, for when the index was lost or damaged (a restored database copy, a
/// hand-edited table). The jobs, nodes, providers and schedules themselves are never touched.
/// </summary>
internal static class IndexCommand
{
    public static Command Create()
    {
        var masterUrl = new Option<string?>("--master-url") { Description = MasterClient.MasterUrlHelp, HelpName = "URL" };
        var token = new Option<string?>("--token") { Description = MasterClient.TokenHelp, HelpName = "TOKEN" };
        var rebuild = new Command("rebuild", "Rewrite every row of the master's index tables (jobs, nodes, providers, schedules) from their stored state. Safe to run at any time.")
        {
            masterUrl,
            token,
        };
        rebuild.SetAction((parse, cancellation) =>
            MasterClient.PostAsync(parse.GetValue(masterUrl), parse.GetValue(token), "/api/v1/system/index/rebuild", Report, cancellation));
        return new Command("index", "Look after the master's index tables (what lists and filters read).") { rebuild };
    }

    private static Task<int> Report(JsonElement result)
    {
        Console.WriteLine($"Re-indexed from their stored state: {Count(result, "jobs")} job(s), {Count(result, "nodes")} node(s), "
            + $"{Count(result, "providers")} provider(s), {Count(result, "schedules")} schedule(s).");
        return Task.FromResult(0);
    }

    private static int Count(JsonElement result, string kind) => result.GetProperty(kind).GetInt32();
}
