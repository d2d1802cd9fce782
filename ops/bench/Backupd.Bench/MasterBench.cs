using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Modules.Storage;
using Backupd.Node.Connection;

namespace Backupd.Bench;

/// <summary>
/// The master under load, end to end through its REST API and node API: job creation as
/// history grows, full job lifecycles by simulated nodes, a filtered page of a large history,
/// the node list, and what it all costs in memory and disk.
/// </summary>
internal static class MasterBench
{
    private const int Batch = 1000;
    private const int WarmUp = 200;
    private const int Parallel = 8;
    private static readonly string[] Stages = ["backup_db", "backup_files", "create_bundle", "upload_remote", "cleanup"];

    public static async Task<int> RunAsync(int jobs, int lifecycles, int nodes, int dashboards)
    {
        await using var master = await BenchMaster.StartAsync();
        Console.WriteLine($"master: {master.Url}, data in {master.DataDir}");
        var provider = await master.CreateLocalProviderAsync();

        await CreationAsync(master, provider, jobs);
        await LifecyclesAsync(master, provider, lifecycles);
        await FilteredPageAsync(master);
        await NodeListAsync(master, nodes);
        if (dashboards > 0)
        {
            await DashboardBench.RunAsync(master, provider, dashboards);
        }

        var stored = (await master.Http.GetFromJsonAsync<JsonElement>("/api/v1/jobs?limit=1")).GetProperty("total").GetInt32();
        Console.WriteLine();
        Console.WriteLine($"master RSS after all of it: {Mib(master.ResidentBytes())} MiB; database {Mib(master.DatabaseBytes())} MiB for {stored} jobs " +
            $"({master.DatabaseBytes() / 1024.0 / (stored / 1000.0):0} KiB per 1 000 jobs)");
        return 0;
    }

    // Batches of 1 000 from 8 clients at once against one offline node (after a warm-up): the rate of each batch shows whether history slows creation.
    private static async Task CreationAsync(BenchMaster master, string provider, int jobs)
    {
        var node = await master.EnrolNodeAsync("bench-offline");
        Console.WriteLine();
        Console.WriteLine($"job creation, {Parallel} clients, one offline node:");
        Console.WriteLine($"{"jobs stored",12}{"jobs/s",10}{"database MiB",14}");
        var rates = new List<(int Stored, double Rate)>();
        var reportAt = new HashSet<int> { 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000 };
        // Untimed jobs first, so that the first batch measures creation and not the JIT, the
        // connection pools and the first activations of a cold process; they count as stored.
        await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(0, WarmUp), new ParallelOptions { MaxDegreeOfParallelism = Parallel },
            async (i, _) => await master.CreateJobAsync(node.NodeId, provider, i));
        for (var created = WarmUp; created < jobs;)
        {
            var count = Math.Min(Batch - (created % Batch), jobs - created);
            var start = created;
            var watch = Stopwatch.StartNew();
            await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(start, count), new ParallelOptions { MaxDegreeOfParallelism = Parallel },
                async (i, _) => await master.CreateJobAsync(node.NodeId, provider, i));
            created += count;
            var rate = count / watch.Elapsed.TotalSeconds;
            rates.Add((created, rate));
            if (reportAt.Contains(created) || created == jobs)
            {
                Console.WriteLine($"{created,12}{rate,10:0}{master.DatabaseBytes() / 1048576.0,14:0.0}");
            }
        }

        var first = rates[0].Rate;
        var last = rates[^1].Rate;
        Console.WriteLine($"rate with {rates[^1].Stored} stored against {rates[0].Stored} stored: {last / first:P0}");
    }

    // Each simulated node creates its job over REST, takes it, reports its stages and finishes
    // it over the node API with its own certificate; one in ten fails.
    private static async Task LifecyclesAsync(BenchMaster master, string provider, int lifecycles)
    {
        const int simulatedNodes = 10;
        var clients = new List<(string NodeId, NodeApiClient Client)>();
        for (var i = 0; i < simulatedNodes; i++)
        {
            var identity = await master.EnrolNodeAsync($"bench-node-{i}");
            clients.Add((identity.NodeId, NodeApiClient.Create(identity)));
        }

        var watch = Stopwatch.StartNew();
        var perNode = lifecycles / simulatedNodes;
        await Task.WhenAll(clients.Select(async node =>
        {
            for (var n = 0; n < perNode; n++)
            {
                await master.CreateJobAsync(node.NodeId, provider, n);
                var assignment = await node.Client.TakeJobAsync(CancellationToken.None)
                    ?? throw new InvalidOperationException($"node {node.NodeId} found no job right after creating one");
                await node.Client.ReportJobAsync(assignment.JobId, assignment.Attempt, Report(StageStatus.Running), CancellationToken.None);
                await node.Client.ReportJobAsync(assignment.JobId, assignment.Attempt, Report(StageStatus.Completed), CancellationToken.None);
                var failed = n % 10 == 9;
                // As a node's upload stage does: the master places the bundle, the result names that place.
                var placed = failed ? null : await node.Client.PlaceBundleAsync(assignment.JobId, assignment.Attempt, "bench.example", new string('0', 64), CancellationToken.None);
                var outcome = placed is null
                    ? new JobOutcome(JobState.Failed, null, "bench: a simulated failure", Report(StageStatus.Failed))
                    : new JobOutcome(JobState.Completed, new JobResult(placed.FullKey, 1 << 20, new string('0', 64)), null, Report(StageStatus.Completed));
                await node.Client.FinishJobAsync(assignment.JobId, assignment.Attempt, outcome, CancellationToken.None);
            }
        }));
        var elapsed = watch.Elapsed;
        // A result the master refused ends the job failed: the figure would then time another path.
        var completed = (await master.Http.GetFromJsonAsync<JsonElement>("/api/v1/jobs?state=completed&limit=1")).GetProperty("total").GetInt32();
        if (completed != perNode * simulatedNodes * 9 / 10)
        {
            throw new InvalidOperationException($"{completed} lifecycles completed, expected {perNode * simulatedNodes * 9 / 10}: the master refused results");
        }

        Console.WriteLine();
        Console.WriteLine($"{perNode * simulatedNodes} full job lifecycles (create, take, 2 stage reports, place the bundle, finish) by {simulatedNodes} simulated nodes: " +
            $"{elapsed.TotalSeconds:0.0} s ({perNode * simulatedNodes / elapsed.TotalSeconds:0} per s)");
        foreach (var (_, client) in clients)
        {
            client.Dispose();
        }
    }

    private static async Task FilteredPageAsync(BenchMaster master)
    {
        var latencies = await TimeAsync("/api/v1/jobs?state=failed&limit=50", 300);
        var total = (await master.Http.GetFromJsonAsync<JsonElement>("/api/v1/jobs?state=failed&limit=1")).GetProperty("total").GetInt32();
        Console.WriteLine();
        Console.WriteLine($"GET /api/v1/jobs?state=failed&limit=50 ({total} failed among all): {Describe(latencies)}");

        // The last page of everything: the index skips all the rows before it (OFFSET), the worst a list is asked for.
        var all = (await master.Http.GetFromJsonAsync<JsonElement>("/api/v1/jobs?limit=1")).GetProperty("total").GetInt32();
        var deepest = $"/api/v1/jobs?offset={Math.Max(0, all - 50)}&limit=50";
        Console.WriteLine($"GET {deepest} (the last page of {all}): {Describe(await TimeAsync(deepest, 100))}");

        async Task<List<double>> TimeAsync(string path, int times)
        {
            var measured = new List<double>(times);
            for (var i = 0; i < times; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await master.Http.GetAsync(path);
                await response.Content.ReadAsByteArrayAsync();
                response.EnsureSuccessStatusCode();
                measured.Add(watch.Elapsed.TotalMilliseconds);
            }

            return measured;
        }
    }

    private static async Task NodeListAsync(BenchMaster master, int nodes)
    {
        var existing = (await master.Http.GetFromJsonAsync<JsonElement>("/api/v1/nodes")).GetArrayLength();
        await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(existing, Math.Max(0, nodes - existing)), new ParallelOptions { MaxDegreeOfParallelism = Parallel },
            async (i, _) => await master.EnrolNodeAsync($"bench-listed-{i}"));
        var latencies = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await master.Http.GetAsync("/api/v1/nodes");
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine();
        Console.WriteLine($"GET /api/v1/nodes with {Math.Max(nodes, existing)} nodes: {Describe(latencies)}");
    }

    private static JobProgressReport Report(StageStatus status) =>
        new([.. Stages.Select(name => new JobStageInfo(name, status))], [new JobLogEntry(DateTimeOffset.UtcNow, JobLogLevel.Info, $"bench: stages {status}")]);

    private static string Describe(List<double> latencies)
    {
        latencies.Sort();
        double At(double quantile) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(quantile * latencies.Count) - 1)];
        return $"p50 {At(0.5):0.0} ms, p99 {At(0.99):0.0} ms, max {latencies[^1]:0.0} ms ({latencies.Count} requests)";
    }

    private static long Mib(long bytes) => bytes >> 20;
}
