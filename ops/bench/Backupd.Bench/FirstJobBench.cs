using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backupd.TestBed;

namespace Backupd.Bench;

/// <summary>
/// What ReadyToRun buys a host: two self-contained publishes of the same commit, one ReadyToRun
/// (as ops/publish.sh ships it) and one left to the JIT, each started fresh as a master and a
/// node would be by systemd, timing the master until /healthz answers, the node until it is
/// connected, and its first and second WordPress jobs on the same small site.
/// </summary>
internal static partial class FirstJobBench
{
    public static async Task<int> RunAsync(string readyToRun, string jit, int runs)
    {
        await using var mariaDb = new MariaDbServer();
        await mariaDb.StartAsync(CancellationToken.None);
        await using var site = await WordPressSite.CreateAsync(mariaDb, new WordPressSiteOptions { Name = "firstjob" });
        var results = new Dictionary<string, List<Run>> { ["ReadyToRun"] = [], ["JIT only"] = [] };
        for (var i = 1; i <= runs; i++)
        {
            // Alternating, so a slow spell on a shared machine hits both alike.
            foreach (var (name, dir) in new[] { ("ReadyToRun", readyToRun), ("JIT only", jit) })
            {
                var run = await RunOnceAsync(Path.Combine(dir, "backupd"), site.RootPath);
                results[name].Add(run);
                Console.WriteLine($"run {i} {name}: master ready {run.MasterReady.TotalSeconds:0.00} s, node connected {run.NodeConnected.TotalSeconds:0.00} s, "
                    + $"first job {run.FirstJob.TotalSeconds:0.00} s, second job {run.SecondJob.TotalSeconds:0.00} s");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"median of " + runs + " runs",-32}{"ReadyToRun",12}{"JIT only",12}");
        foreach (var (label, pick) in new (string, Func<Run, TimeSpan>)[]
                 {
                     ("master start to /healthz, s", r => r.MasterReady), ("node start to connected, s", r => r.NodeConnected),
                     ("first job, s", r => r.FirstJob), ("second job, s", r => r.SecondJob),
                 })
        {
            Console.WriteLine($"{label,-32}{Median(results["ReadyToRun"], pick),12:0.00}{Median(results["JIT only"], pick),12:0.00}");
        }

        return 0;
    }

    private static double Median(List<Run> runs, Func<Run, TimeSpan> pick) => runs.Select(pick).Order().ElementAt(runs.Count / 2).TotalSeconds;

    private static async Task<Run> RunOnceAsync(string executable, string sitePath)
    {
        var clock = Stopwatch.StartNew();
        await using var master = await BenchMaster.StartAsync(executable);
        var masterReady = clock.Elapsed;
        var nodeData = Directory.CreateTempSubdirectory("backupd-bench-node-").FullName;
        var storage = Directory.CreateTempSubdirectory("backupd-bench-storage-").FullName;
        try
        {
            // As ops/systemd/backupd-node.service starts it.
            var environment = new Dictionary<string, string?>
            {
                ["BACKUPD_MASTER_URL"] = master.Url.ToString(), ["BACKUPD_DATA_DIR"] = nodeData,
                ["MALLOC_ARENA_MAX"] = "1", ["DOTNET_TieredCompilation"] = "0",
            };
            clock.Restart();
            await using var node = ServerProcess.Start("backupd node", executable, ["--mode", "node"], new ProcessOptions { Environment = environment, WorkingDirectory = "/" });
            var code = (await WaitForAsync(node, CodeLine())).Groups[1].Value;
            using (var approved = await master.Http.PostAsJsonAsync("/api/v1/nodes/approve", new { code }))
            {
                approved.EnsureSuccessStatusCode();
            }

            var nodeId = (await WaitForAsync(node, ConnectedLine())).Groups[1].Value;
            var connected = clock.Elapsed;
            using var provider = await master.Http.PostAsJsonAsync("/api/v1/providers", new { name = "local", type = "local", path = storage, prefix = "bundles" });
            provider.EnsureSuccessStatusCode();
            var providerId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            var first = await TimeJobAsync(master, nodeId, providerId, sitePath);
            var second = await TimeJobAsync(master, nodeId, providerId, sitePath);
            return new Run(masterReady, connected, first, second);
        }
        finally
        {
            Directory.Delete(nodeData, recursive: true);
            Directory.Delete(storage, recursive: true);
        }
    }

    private static async Task<TimeSpan> TimeJobAsync(BenchMaster master, string nodeId, string providerId, string sitePath)
    {
        var clock = Stopwatch.StartNew();
        using var created = await master.Http.PostAsJsonAsync("/api/v1/jobs", new { nodeId, module = "wordpress", config = new { path = sitePath }, providerId });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        while (true)
        {
            var job = await master.Http.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{id}");
            switch (job.GetProperty("state").GetString())
            {
                case "completed":
                    return clock.Elapsed;
                case "failed" or "cancelled":
                    throw new InvalidOperationException($"Job {id} did not complete: {job}");
            }

            await Task.Delay(50);
        }
    }

    // ServerProcess's own wait, with the process's output as the probe.
    private static async Task<Match> WaitForAsync(ServerProcess process, Regex line)
    {
        await process.WaitUntilReadyAsync(_ => Task.FromResult(line.IsMatch(process.Output)), TimeSpan.FromMinutes(2), CancellationToken.None);
        return line.Match(process.Output);
    }

    [GeneratedRegex(@"Registration code: ([2-9A-HJKMNP-Z]{5})")]
    private static partial Regex CodeLine();

    [GeneratedRegex(@"Connected to the master as node (\S+)")]
    private static partial Regex ConnectedLine();

    private sealed record Run(TimeSpan MasterReady, TimeSpan NodeConnected, TimeSpan FirstJob, TimeSpan SecondJob);
}
