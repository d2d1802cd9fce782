using System.Diagnostics;
using System.Security.Cryptography;
using Backupd.Modules.Storage;
using Backupd.Node.Connection;
using Backupd.Node.Identity;
using Backupd.Node.Jobs;
using Backupd.Storage;
using Backupd.TestBed;

namespace Backupd.Bench;

/// <summary>
/// Uploads one bundle-sized file to s3rver in the same run: as a node does (no credentials; each
/// request signed by a real master process over the node API, which also starts, completes and
/// checks the upload), with backupd's S3 storage holding the credentials (how nodes uploaded
/// before), and with <c>aws s3 cp</c>.
/// </summary>
internal static class S3UploadBench
{
    public static async Task<int> RunAsync(double mebibytes)
    {
        await using var s3 = new S3rverServer();
        await s3.StartAsync(CancellationToken.None);
        var dir = Directory.CreateTempSubdirectory("backupd-s3-bench-").FullName;
        try
        {
            var file = Path.Combine(dir, "bundle.tar.zst");
            var size = (long)(mebibytes * (1 << 20));
            await WriteRandomAsync(file, size);
            string sha256;
            await using (var stream = File.OpenRead(file))
            {
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
            }

            Console.WriteLine($"s3 upload bench: {mebibytes:0} MiB to s3rver at {s3.ServiceUrl}");
            var aws = Stopwatch.StartNew();
            var environment = new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = S3rverServer.AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = S3rverServer.SecretKey,
                ["AWS_DEFAULT_REGION"] = S3rverServer.Region,
                // Same footing as backupd: no flexible checksums, which s3rver predates.
                ["AWS_REQUEST_CHECKSUM_CALCULATION"] = "when_required",
                ["AWS_CONFIG_FILE"] = "/dev/null",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            };
            (await ProcessRunner.RunAsync("aws", ["--endpoint-url", s3.ServiceUrl, "s3", "cp", file, $"s3://{s3.BucketName}/aws/bundle.tar.zst", "--only-show-errors"],
                TimeSpan.FromMinutes(30), new ProcessOptions { Environment = environment })).EnsureSuccess("uploading with aws s3 cp");
            var awsTime = aws.Elapsed;

            // Both of backupd's ways run while the master is up (it signs for the node), alternating,
            // twice each: the faster of each pair is reported, as s3rver's pace varies run to run.
            await using var master = await NodeUpload.StartAsync(s3);
            var directTime = TimeSpan.MaxValue;
            var nodeTime = TimeSpan.MaxValue;
            for (var run = 0; run < 2; run++)
            {
                using (var storage = new S3BundleStorage(new S3StorageSettings(s3.ServiceUrl, S3rverServer.Region, s3.BucketName, "backupd", true, S3rverServer.AccessKey, S3rverServer.SecretKey)))
                {
                    var direct = Stopwatch.StartNew();
                    await storage.UploadAsync(new BundleUpload(file, $"bundle-{run}.tar.zst", size, sha256), CancellationToken.None);
                    directTime = Min(directTime, direct.Elapsed);
                }

                nodeTime = Min(nodeTime, await master.UploadAsync(file, size, sha256));
            }

            Console.WriteLine($"{"",-28}{"node",12}{"with keys",12}{"aws s3 cp",12}");
            Console.WriteLine($"{"time, s",-28}{nodeTime.TotalSeconds,12:0.0}{directTime.TotalSeconds,12:0.0}{awsTime.TotalSeconds,12:0.0}");
            Console.WriteLine($"{"MB/s",-28}{size / 1e6 / nodeTime.TotalSeconds,12:0}{size / 1e6 / directTime.TotalSeconds,12:0}{size / 1e6 / awsTime.TotalSeconds,12:0}");
            Console.WriteLine("node: URLs signed by the master; with keys: the provider's credentials on the uploader (nodes before). Both include hashing and the final check.");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static async Task WriteRandomAsync(string path, long size)
    {
        await using var stream = File.Create(path);
        var block = new byte[1 << 20];
        for (long written = 0; written < size; written += block.Length)
        {
            RandomNumberGenerator.Fill(block);
            await stream.WriteAsync(block);
        }
    }
}

/// <summary>
/// A real master and an enrolled node identity: each upload is a new job, timed as a node's
/// upload stage runs it, from its request for the bundle's key to the master's check of the stored copy.
/// </summary>
internal sealed class NodeUpload : IAsyncDisposable
{
    private readonly BenchMaster _master;
    private readonly NodeIdentity _identity;
    private readonly string _provider;
    private int _jobs;

    private NodeUpload(BenchMaster master, NodeIdentity identity, string provider)
    {
        _master = master;
        _identity = identity;
        _provider = provider;
    }

    public static async Task<NodeUpload> StartAsync(S3rverServer s3)
    {
        var master = await BenchMaster.StartAsync();
        var identity = await master.EnrolNodeAsync("bench-uploader");
        var provider = await master.CreateS3ProviderAsync(s3.ServiceUrl, s3.BucketName, S3rverServer.AccessKey, S3rverServer.SecretKey);
        return new NodeUpload(master, identity, provider);
    }

    public async Task<TimeSpan> UploadAsync(string file, long size, string sha256)
    {
        var jobId = await _master.CreateJobAsync(_identity.NodeId, _provider, ++_jobs);
        using var api = NodeApiClient.Create(_identity);
        var assignment = await api.TakeJobAsync(CancellationToken.None) ?? throw new InvalidOperationException("The bench job was not handed to its node.");
        var link = new MasterLink();
        link.Connected(new MasterLink.Connection(api, _identity.NodeId));
        var settings = await api.GetJobStorageAsync(jobId, assignment.Attempt, _provider, CancellationToken.None);
        using var storage = new PresignedS3BundleStorage(
            new S3StorageSettings(settings.S3!.Endpoint, settings.S3.Region, settings.S3.Bucket, settings.Prefix, settings.S3.ForcePathStyle, string.Empty, string.Empty),
            new MasterUploadGrants(link, jobId, assignment.Attempt, TimeSpan.FromMinutes(1), TimeProvider.System));

        var watch = Stopwatch.StartNew();
        var placed = await api.PlaceBundleAsync(jobId, assignment.Attempt, "bench.example", sha256, CancellationToken.None);
        await storage.UploadAsync(new BundleUpload(file, placed.Key, size, sha256), CancellationToken.None);
        return watch.Elapsed;
    }

    public ValueTask DisposeAsync() => _master.DisposeAsync();
}
