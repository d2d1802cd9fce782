using System.Diagnostics;
using System.Security.Cryptography;
using Backupd.Modules.Storage;
using Backupd.Storage;
using Backupd.TestBed;

namespace Backupd.Bench;

/// <summary>Uploads one bundle-sized file to s3rver with backupd's S3 storage and with <c>aws s3 cp</c>, in the same run.</summary>
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

            using var storage = new S3BundleStorage(new S3StorageSettings(s3.ServiceUrl, S3rverServer.Region, s3.BucketName, "backupd", true, S3rverServer.AccessKey, S3rverServer.SecretKey));
            var ours = Stopwatch.StartNew();
            await storage.UploadAsync(new BundleUpload(file, "bundle.tar.zst", size, sha256), CancellationToken.None);
            var ourTime = ours.Elapsed;

            Console.WriteLine($"{"",-28}{"backupd",12}{"aws s3 cp",12}");
            Console.WriteLine($"{"time, s",-28}{ourTime.TotalSeconds,12:0.0}{awsTime.TotalSeconds,12:0.0}");
            Console.WriteLine($"{"MB/s",-28}{size / 1e6 / ourTime.TotalSeconds,12:0}{size / 1e6 / awsTime.TotalSeconds,12:0}");
            Console.WriteLine("backupd's time includes hashing the file for its per-part MD5s and the final SHA-256 check.");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

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
