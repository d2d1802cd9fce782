using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.TestBed;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Jobs;

/// <summary>
/// A real master process, a real node process registered and approved on it, a local storage
/// provider, and MariaDB with WordPress: everything a job needs, shared by the end-to-end tests.
/// </summary>
public sealed class JobsEndToEndFixture : IAsyncLifetime
{
    /// <summary>The node's upload limit: slow enough that a test can cancel an upload midway.</summary>
    public const int NodeBandwidthMbps = 16;

    public WordPressFixture WordPress { get; } = new();

    public S3rverServer S3 { get; } = new();

    /// <summary>
    /// The master. Its job lease is 20 s (ten missed 2-second reports) rather than 60, so that a
    /// test that kills the node sees the master settle the killed run without a minute's wait;
    /// schedules may fire every 5 s, so that a test of one waits seconds, not minutes.
    /// </summary>
    public MasterProcess Master { get; } = new(extraEnvironment: new Dictionary<string, string> { ["BACKUPD_JOB_LEASE"] = "00:00:20", ["BACKUPD_SCHEDULE_MIN_INTERVAL"] = "00:00:05" });

    public NodeProcess Node { get; private set; } = null!;

    public MasterApi Api { get; private set; } = null!;

    public string NodeId { get; private set; } = null!;

    public string ProviderId { get; private set; } = null!;

    /// <summary>The local provider's directory; its prefix is <see cref="ProviderPrefix"/>.</summary>
    public string StorageDir { get; } = Directory.CreateTempSubdirectory("backupd-storage-").FullName;

    public const string ProviderPrefix = "bundles";

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var wordPress = WordPress.StartAsync(timeout.Token);
        var s3 = S3.StartAsync(timeout.Token);
        await Master.StartAsync();
        Api = new MasterApi(Master.Http, await Master.IssueTokenAsync());
        Node = new NodeProcess(Master.BaseUrl, new Dictionary<string, string> { ["BACKUPD_MAX_BANDWIDTH_MBPS"] = NodeBandwidthMbps.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        NodeId = await EnrolAsync(Node, Api);

        using var provider = await Api.SendAsync(HttpMethod.Post, "/api/v1/providers", new { name = "local test", type = "local", path = StorageDir, prefix = ProviderPrefix });
        Assert.Equal(HttpStatusCode.Created, provider.StatusCode);
        ProviderId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await wordPress;
        await s3;
    }

    /// <summary>Starts <paramref name="node"/>, approves the code it shows and waits until it is connected; returns its id.</summary>
    public static async Task<string> EnrolAsync(NodeProcess node, MasterApi api)
    {
        node.Start();
        var code = await node.WaitForCodeAsync();
        using var approve = await api.ApproveAsync(code);
        approve.EnsureSuccessStatusCode();
        var nodeId = (await approve.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await node.Process.WaitForOutputAsync($"Connected to the master as node {nodeId}", TimeSpan.FromSeconds(60));
        return nodeId;
    }

    /// <summary>Queues a job and returns its id.</summary>
    public async Task<string> CreateJobAsync(object config, int priority = 5, string? providerId = null)
    {
        using var response = await Api.SendAsync(HttpMethod.Post, "/api/v1/jobs", new { nodeId = NodeId, module = "wordpress", config, providerId = providerId ?? ProviderId, priority });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public Task<JsonElement> GetJobAsync(string id) => Api.GetJsonAsync($"/api/v1/jobs/{id}");

    /// <summary>Polls the job until <paramref name="done"/> holds.</summary>
    public Task<JsonElement> WaitForJobAsync(string id, Func<JsonElement, bool> done, TimeSpan timeout) =>
        Api.WaitForJobAsync(id, done, timeout, () => $"node output:\n{Node.Process.Output}");

    public static bool IsFinished(JsonElement job) => job.GetProperty("state").GetString() is "completed" or "failed" or "cancelled";

    public async Task DisposeAsync()
    {
        if (Node is not null)
        {
            await Node.DisposeAsync();
        }

        await Master.DisposeAsync();
        await WordPress.DisposeAsync();
        await S3.DisposeAsync();
        Directory.Delete(StorageDir, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class JobsEndToEndCollection : ICollectionFixture<JobsEndToEndFixture>
{
    public const string Name = "jobs end to end";
}
