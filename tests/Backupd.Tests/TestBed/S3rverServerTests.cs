using System.Net;
using System.Security.Cryptography;
using Amazon.S3.Model;
using Backupd.TestBed;

namespace Backupd.Tests.TestBed;

[Collection(S3rverCollection.Name)]
public sealed class S3rverServerTests(S3rverServer server)
{
    [Fact]
    public async Task An_object_round_trips_through_put_get_list_and_delete()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        using var s3 = server.CreateClient();
        var prefix = $"round-trip-{Guid.NewGuid():N}/";
        var key = prefix + "Übersicht café.bin";
        var content = RandomNumberGenerator.GetBytes(300_000);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = server.BucketName, Key = key, InputStream = new MemoryStream(content) }, ct);

        using (var get = await s3.GetObjectAsync(server.BucketName, key, ct))
        {
            var received = new MemoryStream();
            await get.ResponseStream.CopyToAsync(received, ct);
            Assert.Equal(content, received.ToArray());
        }

        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = server.BucketName, Prefix = prefix }, ct);
        var listedObject = Assert.Single(listed.S3Objects);
        Assert.Equal(key, listedObject.Key);
        Assert.Equal(content.Length, listedObject.Size);

        var deleted = await s3.DeleteObjectAsync(server.BucketName, key, ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        var afterDelete = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = server.BucketName, Prefix = prefix }, ct);
        Assert.Empty(afterDelete.S3Objects ?? []);
    }
}
