using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Node.Connection;
using Backupd.TestBed;
using Microsoft.Playwright;

namespace Backupd.Bench;

/// <summary>
/// The dashboard against the master the master bench filled (100 000 jobs, 1 000 nodes), in
/// Debian's chromium: how long each page takes to be usable, how long a node's progress report
/// takes to reach an open job page, and what 20 open dashboards cost the master in memory.
/// </summary>
internal static class DashboardBench
{
    private const int PageRuns = 5;
    private const int Reports = 30;
    private const int Schedules = 100;

    // Every mutation of the page is checked for the markers asked for; the time one is first seen is the browser's clock, the same machine's as the bench's.
    private const string WatchScript = """
        () => {
            window.benchSeen = {};
            window.benchWanted = [];
            new MutationObserver(() => {
                const text = document.body.textContent;
                for (const marker of window.benchWanted) {
                    if (!window.benchSeen[marker] && text.includes(marker)) {
                        window.benchSeen[marker] = Date.now();
                    }
                }
            }).observe(document.body, { childList: true, subtree: true, characterData: true });
        }
        """;

    public static async Task RunAsync(BenchMaster master, string provider, int dashboards)
    {
        var node = await master.EnrolNodeAsync("bench-dashboard");
        for (var i = 0; i < Schedules; i++)
        {
            // Once a year, so that none runs during the bench; the overview still reads each one.
            using var created = await master.Http.PostAsJsonAsync("/api/v1/schedules", new
            {
                name = $"site-{i}.example nightly", cron = "0 3 1 1 *", timeZone = "Europe/Berlin", nodeId = node.NodeId, module = "wordpress",
                config = new { path = $"/srv/www/site-{i}" }, providerId = provider, retention = new { keepLast = 7 },
            });
            created.EnsureSuccessStatusCode();
        }

        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = await browser.NewPageAsync(master.Url, DashboardBrowser.Desktop);
        await page.GotoAsync("/signin");
        await page.GetByLabel("Password").FillAsync(BenchMaster.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("[data-interactive=true]").WaitForAsync();

        var completed = (await master.Http.GetFromJsonAsync<JsonElement>("/api/v1/jobs?state=completed&limit=1")).GetProperty("items")[0].GetProperty("id").GetString();
        var total = (await master.Http.GetFromJsonAsync<JsonElement>("/api/v1/jobs?limit=1")).GetProperty("total").GetInt32();
        var busiestNode = (await master.Http.GetFromJsonAsync<JsonElement>("/api/v1/jobs?state=pending&limit=1")).GetProperty("items")[0].GetProperty("nodeId").GetString();
        var nodes = (await master.Http.GetFromJsonAsync<JsonElement>("/api/v1/nodes")).GetArrayLength();
        Console.WriteLine();
        Console.WriteLine($"dashboard, {total} jobs, {nodes} nodes, {Schedules} schedules stored; from navigation to the page usable (circuit up, data shown), {PageRuns} loads each:");
        Console.WriteLine($"{"page",-34}{"median ms",10}{"max ms",10}");
        await TimePageAsync(page, "overview (/)", "/", "#schedule-status tbody tr");
        await TimePageAsync(page, "nodes", "/nodes", "#nodes tbody tr");
        await TimePageAsync(page, "jobs, first page", "/jobs", "#jobs tbody tr");
        await TimePageAsync(page, "jobs of one node (filtered)", $"/jobs?node={busiestNode}", "#jobs tbody tr");
        await TimeLastPageAsync(page);
        await TimePageAsync(page, "job", $"/jobs/{completed}", "#job-result");
        await TimePageAsync(page, "schedules", "/schedules", "#schedules tbody tr");
        await TimePageAsync(page, "providers", "/providers", "#providers tbody tr");
        await TimePageAsync(page, "settings", "/settings", "#this-master");
        await DashboardBrowser.ScreenshotAsync(await OpenAsync(page, "/", "#schedule-status tbody tr"), "bench-overview-1366");

        using var client = NodeApiClient.Create(node);
        var alone = await ProgressLatencyAsync(page, master, client, node.NodeId, provider, "alone");

        var before = master.ResidentBytes();
        var cookies = await page.Context.CookiesAsync();
        var open = new List<IPage>();
        for (var i = 0; i < dashboards; i++)
        {
            var other = await browser.NewPageAsync(master.Url, DashboardBrowser.Desktop);
            await other.Context.AddCookiesAsync(cookies.Select(cookie => new Cookie
            {
                Name = cookie.Name, Value = cookie.Value, Domain = cookie.Domain, Path = cookie.Path, HttpOnly = cookie.HttpOnly, Secure = cookie.Secure, SameSite = cookie.SameSite,
            }));
            // Half on the overview, half on the jobs list: the two pages every change of a job reaches.
            open.Add(await OpenAsync(other, i % 2 == 0 ? "/" : "/jobs", i % 2 == 0 ? "#schedule-status tbody tr" : "#jobs tbody tr"));
        }

        await Task.Delay(TimeSpan.FromSeconds(5));
        var with = master.ResidentBytes();
        Console.WriteLine();
        Console.WriteLine($"master RSS: {before >> 20} MiB with 1 dashboard open, {with >> 20} MiB with {dashboards + 1} ({(with - before) / Math.Max(1, dashboards) >> 10} KiB per dashboard)");
        // Where the time goes while the reports flow: the master's CPU and the browser's (both on this machine's cores).
        var (masterCpu, browserCpu) = (master.CpuSeconds(), BrowserCpuSeconds());
        var watch = Stopwatch.StartNew();
        var crowded = await ProgressLatencyAsync(page, master, client, node.NodeId, provider, $"with {dashboards} more dashboards open");
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"meanwhile: master {(master.CpuSeconds() - masterCpu) / seconds:P0} of a core, chromium {(BrowserCpuSeconds() - browserCpu) / seconds:P0} of a core, over {seconds:0} s");
        if (alone > 1000 || crowded > 1000)
        {
            Console.WriteLine("progress on screen took more than 1 s at the 95th percentile");
        }
    }

    private static async Task TimePageAsync(IPage page, string name, string path, string shown)
    {
        var times = new List<double>();
        for (var i = 0; i < PageRuns; i++)
        {
            var watch = Stopwatch.StartNew();
            await OpenAsync(page, path, shown);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        Report(name, times);
    }

    // The pager is not in the address: the last page is one click on the open list, timed until its rows are shown.
    private static async Task TimeLastPageAsync(IPage page)
    {
        var times = new List<double>();
        for (var i = 0; i < PageRuns; i++)
        {
            await OpenAsync(page, "/jobs", "#jobs tbody tr");
            var first = await page.Locator("#jobs tbody tr .job-id").First.InnerTextAsync();
            var watch = Stopwatch.StartNew();
            await page.GetByRole(AriaRole.Button, new() { Name = "Last page" }).ClickAsync();
            await page.WaitForFunctionAsync("first => { const cell = document.querySelector('#jobs tbody tr .job-id'); return cell && cell.textContent.trim() !== first; }", first);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        Report("jobs, last page (one click)", times);
    }

    private static async Task<IPage> OpenAsync(IPage page, string path, string shown)
    {
        await page.GotoAsync(path);
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await page.Locator(shown).First.WaitForAsync();
        return page;
    }

    // A node reports a stage with a new message; the time until the job page shows it, from just before the report is sent.
    private static async Task<double> ProgressLatencyAsync(IPage page, BenchMaster master, NodeApiClient client, string nodeId, string provider, string label)
    {
        // A job of its own each time: a job left without reports longer than its lease is taken back, and its reports refused.
        var job = await master.CreateJobAsync(nodeId, provider, -1);
        var assignment = await client.TakeJobAsync(CancellationToken.None) ?? throw new InvalidOperationException("the dashboard node found no job");
        await OpenAsync(page, $"/jobs/{job}", "#job-stages");
        // The tab in front, as the one an admin looks at: chromium holds back a hidden tab's frames, and Blazor applies updates in them.
        await page.BringToFrontAsync();
        await page.EvaluateAsync(WatchScript);
        var latencies = new List<double>();
        var missed = 0;
        for (var i = 0; i < Reports; i++)
        {
            var marker = $"bench report {label.Length}-{i}-{Guid.NewGuid():N}"[..32];
            await page.EvaluateAsync("marker => { window.benchWanted = [marker]; }", marker);
            var sentAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var lease = await client.ReportJobAsync(assignment.JobId, assignment.Attempt,
                new JobProgressReport([new JobStageInfo("backup_files", StageStatus.Running, BytesDone: i * 1_000_000L, BytesTotal: Reports * 1_000_000L, Message: marker)], []),
                CancellationToken.None);
            if (lease != LeaseStatus.Active)
            {
                throw new InvalidOperationException($"the master answered {lease} to a report of job {job}: the figure would time nothing");
            }

            try
            {
                await page.WaitForFunctionAsync("marker => window.benchSeen[marker]", marker, new() { Timeout = 10_000 });
                latencies.Add(await page.EvaluateAsync<long>("marker => window.benchSeen[marker]", marker) - sentAt);
            }
            catch (TimeoutException)
            {
                // Not on screen within 10 s: counted as 10 s, and said below.
                latencies.Add(10_000);
                missed++;
            }

            // Reports come a few times a second from a real node, not back to back.
            await Task.Delay(200);
        }

        await client.FinishJobAsync(assignment.JobId, assignment.Attempt,
            new JobOutcome(JobState.Failed, null, "bench: done", new JobProgressReport([], [])), CancellationToken.None);
        latencies.Sort();
        var p95 = latencies[(int)Math.Ceiling(0.95 * latencies.Count) - 1];
        Console.WriteLine();
        Console.WriteLine($"progress report to text on the job page, {label}: p50 {latencies[latencies.Count / 2]:0} ms, p95 {p95:0} ms, max {latencies[^1]:0} ms ({Reports} reports{(missed > 0 ? $", {missed} not shown within 10 s" : "")})");
        return p95;
    }

    // Every chromium process's user and system time, from /proc (clock ticks of 1/100 s on Linux).
    private static double BrowserCpuSeconds() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(name => name!.All(char.IsAsciiDigit)).Sum(pid =>
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var close = stat.LastIndexOf(')');
                if (!stat[..close].Contains("chrom", StringComparison.Ordinal))
                {
                    return 0.0;
                }

                var fields = stat[(close + 2)..].Split(' ');
                return (double.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100;
            }
            catch (IOException)
            {
                return 0.0;
            }
        });

    private static void Report(string name, List<double> times)
    {
        times.Sort();
        Console.WriteLine($"{name,-34}{times[times.Count / 2],10:0}{times[^1],10:0}");
    }
}
