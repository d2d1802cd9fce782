using System.Security.Cryptography;
using Amazon.S3.Model;
using Backupd.Storage;
using Backupd.TestBed;

namespace Backupd.Tests.Storage;

/// <summary>Settings, options and checks the S3 storage tests share.</summary>
internal static class S3TestSetup
{
    public const long MiB = 1024 * 1024;

    public static S3StorageSettings Settings(string serviceUrl, string bucket, string prefix, string accessKey = S3rverServer.AccessKey, string secret = S3rverServer.SecretKey) =>
        new(serviceUrl, S3rverServer.Region, bucket, prefix, ForcePathStyle: true, accessKey, secret);

    /// <summary>Small parts and quick retries, so multipart and failure paths run in moments.</summary>
    public static S3UploadOptions Quick(int maxAttempts = 3) => new()
    {
        PartSize = S3UploadOptions.MinimumPartSize,
        MaxParallelParts = 2,
        MaxAttempts = maxAttempts,
        InitialBackoff = TimeSpan.FromMilliseconds(10),
    };

    public static string UniquePrefix(string test) => $"{test}-{Guid.NewGuid():N}";

    public static async Task<string> StoredSha256Async(S3rverServer server, string key, CancellationToken cancellationToken)
    {
        using var s3 = server.CreateClient();
        using var response = await s3.GetObjectAsync(server.BucketName, key, cancellationToken);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(response.ResponseStream, cancellationToken));
    }

    public static async Task<GetObjectMetadataResponse> HeadAsync(S3rverServer server, string key, CancellationToken cancellationToken)
    {
        using var s3 = server.CreateClient();
        return await s3.GetObjectMetadataAsync(server.BucketName, key, cancellationToken);
    }

    /// <summary>Multipart uploads still open under <paramref name="prefix"/>, asked through the proxy's ListMultipartUploads.</summary>
    public static async Task<List<MultipartUpload>> OpenUploadsAsync(S3rverServer server, S3FaultProxy proxy, string prefix, CancellationToken cancellationToken)
    {
        using var s3 = new Amazon.S3.AmazonS3Client(
            new Amazon.Runtime.BasicAWSCredentials(S3rverServer.AccessKey, S3rverServer.SecretKey),
            new Amazon.S3.AmazonS3Config { ServiceURL = proxy.ServiceUrl, ForcePathStyle = true, AuthenticationRegion = S3rverServer.Region });
        var listed = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = server.BucketName, Prefix = prefix }, cancellationToken);
        return listed.MultipartUploads ?? [];
    }

    public static async Task<bool> ExistsAsync(S3rverServer server, string key, CancellationToken cancellationToken)
    {
        using var s3 = server.CreateClient();
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = server.BucketName, Prefix = key }, cancellationToken);
        return (listed.S3Objects ?? []).Any(found => found.Key == key);
    }
}
