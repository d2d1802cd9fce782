using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.TestBed;
using Backupd.Tests.Processes;
using Backupd.Tests.Storage;

namespace Backupd.Tests.Jobs;

/// <summary>
/// A node runs for months: job after job must not leave memory behind. One node process, run
/// with its systemd unit's settings, runs 100 WordPress jobs to S3 (through the master's signing,
/// as in production) one at a time, and its peak resident memory after them all must stay within
/// 10 % of its peak after the first ten.
/// </summary>
[Collection(JobsEndToEndCollection.Name)]
public sealed class NodeMemoryTests(JobsEndToEndFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Jobs = 100;
    private const int FirstJobs = 10;

    [Fact]
    public async Task A_hundred_jobs_in_one_node_process_leave_its_peak_memory_within_ten_percent_of_the_first_ten_jobs()
    {
        var site = await fixture.WordPress.CreateSiteAsync();
        await using var proxy = new S3FaultProxy(fixture.S3);
        // The node as its systemd unit runs it (its runtime and malloc settings), not the test's defaults.
        var nodeEnvironment = ShippedUnitEnvironment("backupd-node.service");
        nodeEnvironment.Remove("BACKUPD_DATA_DIR");
        nodeEnvironment["BACKUPD_MAX_JOBS"] = "1";
        await using var node = new NodeProcess(fixture.Master.BaseUrl, nodeEnvironment);
        var nodeId = await JobsEndToEndFixture.EnrolAsync(node, fixture.Api);
        using var provider = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/providers", new
        {
            name = "memory", type = "s3", endpoint = proxy.ServiceUrl, region = S3rverServer.Region, bucket = fixture.S3.BucketName,
            prefix = S3TestSetup.UniquePrefix("memory"), forcePathStyle = true, accessKeyId = S3rverServer.AccessKey, secretAccessKey = S3rverServer.SecretKey,
        });
        Assert.Equal(HttpStatusCode.Created, provider.StatusCode);
        var providerId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        long? firstPeak = null;
        for (var n = 1; n <= Jobs; n++)
        {
            using var create = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/jobs", new { nodeId, module = "wordpress", config = new { path = site.RootPath }, providerId });
            var id = (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            await node.Process.WaitForOutputAsync($"Job {id} ended Completed", TimeSpan.FromMinutes(1));
            if (n == FirstJobs)
            {
                firstPeak = PeakResidentBytes(node.Process.Id);
            }
        }

        var peak = PeakResidentBytes(node.Process.Id);
        output.WriteLine($"node peak RSS: {firstPeak / 1048576.0:0.0} MiB after {FirstJobs} jobs, {peak / 1048576.0:0.0} MiB after {Jobs}");
        Assert.True(peak <= firstPeak * 1.10,
            $"peak RSS {peak / 1048576.0:0.0} MiB after {Jobs} jobs, {firstPeak / 1048576.0:0.0} MiB after the first {FirstJobs}: it grew {(double)peak / firstPeak!.Value - 1:P0}");
    }

    // The Environment= lines of a unit in ops/systemd, found from the test's directory up.
    private static Dictionary<string, string> ShippedUnitEnvironment(string unit)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "ops", "systemd", unit);
            if (File.Exists(path))
            {
                return File.ReadLines(path)
                    .Where(line => line.StartsWith("Environment=", StringComparison.Ordinal))
                    .Select(line => line["Environment=".Length..].Split('=', 2))
                    .ToDictionary(pair => pair[0], pair => pair[1]);
            }
        }

        throw new FileNotFoundException($"ops/systemd/{unit} was not found above {AppContext.BaseDirectory}");
    }

    // VmHWM: the most the process has held resident since it started.
    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
