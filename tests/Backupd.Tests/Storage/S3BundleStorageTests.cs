using System.Collections.Concurrent;
using System.Diagnostics;
using Backupd.Modules;
using Backupd.Modules.Resources;
using Backupd.Storage;
using Backupd.TestBed;
using Backupd.Tests.TestBed;
using static Backupd.Tests.Storage.S3TestSetup;

namespace Backupd.Tests.Storage;

[Collection(S3rverCollection.Name)]
public sealed class S3BundleStorageTests(S3rverServer server)
{
    [Fact]
    public async Task A_small_bundle_goes_up_in_one_request_and_comes_back_identical()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        await using var proxy = new S3FaultProxy(server);
        var prefix = UniquePrefix("small");
        using var storage = new S3BundleStorage(Settings(proxy.ServiceUrl, server.BucketName, prefix + "/"), Quick());
        using var bundle = TestBundle.Create(300_000);

        var stored = await storage.UploadAsync(bundle.Upload("node-1/wordpress/example.org/a.tar.zst"), ct);

        Assert.Equal($"{prefix}/node-1/wordpress/example.org/a.tar.zst", stored.Key);
        Assert.Equal(bundle.Size, stored.Size);
        Assert.Equal(bundle.Sha256Hex, stored.Sha256Hex);
        Assert.Equal(bundle.Sha256Hex, await StoredSha256Async(server, stored.Key, ct));
        Assert.Equal(bundle.Sha256Hex, (await HeadAsync(server, stored.Key, ct)).Metadata["x-amz-meta-sha256"]);
        Assert.Single(proxy.Requests, request => request.Method == "PUT");
        Assert.DoesNotContain(proxy.Requests, request => request.IsInitiate);
        // Small enough to be read back whole for the verification.
        Assert.Single(proxy.Requests, request => request.Method == "GET");
    }

    [Fact]
    public async Task A_bundle_larger_than_a_part_goes_up_in_parallel_parts_and_comes_back_byte_exact()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        await using var proxy = new S3FaultProxy(server) { HoldPartsUntilInFlight = 2 };
        var prefix = UniquePrefix("multipart");
        using var storage = new S3BundleStorage(Settings(proxy.ServiceUrl, server.BucketName, prefix), Quick());
        using var bundle = TestBundle.Create((17 * MiB) + 12_345);
        var reports = new ConcurrentQueue<long>();

        var stored = await storage.UploadAsync(bundle.Upload("site/b.tar.zst") with { Progress = new SynchronousProgress<long>(reports.Enqueue) }, ct);

        Assert.Equal($"{prefix}/site/b.tar.zst", stored.Key);
        Assert.Equal(bundle.Sha256Hex, await StoredSha256Async(server, stored.Key, ct));
        Assert.Equal(bundle.Sha256Hex, (await HeadAsync(server, stored.Key, ct)).Metadata["x-amz-meta-sha256"]);
        Assert.Equal([1, 2, 3, 4], proxy.Requests.Where(request => request.IsUploadPart).Select(request => request.PartNumber).Order());
        Assert.Equal(2, proxy.MaxPartsInFlight);
        Assert.Equal(bundle.Size, reports.Max());
        // Verified by size, metadata and ETag, not by downloading it again.
        Assert.DoesNotContain(proxy.Requests, request => request.Method == "GET");
    }

    [Fact]
    public async Task The_bandwidth_limit_paces_every_part()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        // 32 Mbit/s is 4 MB/s: 6 MiB in two parts takes about 1.5 s when paced, a few
        // milliseconds on loopback when not. Only a lower bound, which a slow machine cannot break.
        using var limiter = new BandwidthLimiter(32_000_000);
        using var storage = new S3BundleStorage(Settings(server.ServiceUrl, server.BucketName, UniquePrefix("paced")), Quick());
        using var bundle = TestBundle.Create(6 * MiB);
        var reports = new ConcurrentQueue<long>();

        var clock = Stopwatch.StartNew();
        await storage.UploadAsync(bundle.Upload("c.tar.zst") with { Bandwidth = limiter, Progress = new SynchronousProgress<long>(reports.Enqueue) }, ct);

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"6 MiB at 4 MB/s took only {clock.Elapsed}");
        // Each byte counted once: the SDK also reads a body to sign it, which is not traffic.
        Assert.Equal(bundle.Size, reports.Max());
    }

    [Fact]
    public async Task Stored_bundles_are_listed_with_size_and_time_and_can_be_deleted()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        var prefix = UniquePrefix("listing");
        using var storage = new S3BundleStorage(Settings(server.ServiceUrl, server.BucketName, prefix), Quick());
        using var bundle = TestBundle.Create(10_000);
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        var stored = await storage.UploadAsync(bundle.Upload("node-1/d.tar.zst"), ct);

        var listed = Assert.Single(await storage.ListAsync("node-1/", ct).ToListAsync(ct));
        Assert.Equal(stored.Key, listed.Key);
        Assert.Equal(bundle.Size, listed.Size);
        Assert.InRange(listed.LastModified, before, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Empty(await storage.ListAsync("node-2/", ct).ToListAsync(ct));

        await storage.DeleteAsync(stored.Key, ct);
        Assert.Empty(await storage.ListAsync(string.Empty, ct).ToListAsync(ct));
        await storage.DeleteAsync(stored.Key, ct);
    }

    [Fact]
    public async Task The_probe_writes_reads_and_deletes_under_the_prefix()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        await using var proxy = new S3FaultProxy(server);
        var prefix = UniquePrefix("probe");
        using var storage = new S3BundleStorage(Settings(proxy.ServiceUrl, server.BucketName, prefix), Quick());

        var result = await storage.ProbeAsync(ct);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(["PUT", "GET", "DELETE"], proxy.Requests.Select(request => request.Method));
        Assert.All(proxy.Requests, request => Assert.StartsWith($"/{server.BucketName}/{prefix}/", request.Path, StringComparison.Ordinal));
        Assert.Empty(await storage.ListAsync(string.Empty, ct).ToListAsync(ct));
    }
}
