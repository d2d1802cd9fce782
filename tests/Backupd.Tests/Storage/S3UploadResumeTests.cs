using System.Collections.Concurrent;
using Amazon.S3.Model;
using Backupd.Contracts.Storage;
using Backupd.Modules.Storage;
using Backupd.Storage;
using Backupd.Storage.Targets;
using Backupd.TestBed;
using Backupd.Tests.Storage.Conformance;
using Backupd.Tests.TestBed;
using static Backupd.Tests.Storage.S3TestSetup;

namespace Backupd.Tests.Storage;

/// <summary>
/// A node's upload going on with a multipart upload an earlier attempt began (the master lists
/// its parts): only the parts the store lacks are sent, and a stored part that is not the
/// file's is sent again, so the object assembled is the bundle and nothing else.
/// </summary>
[Collection(S3rverCollection.Name)]
public sealed class S3UploadResumeTests(S3rverServer server) : IAsyncLifetime
{
    private readonly ConcurrentQueue<int> _partsSent = new();
    private S3FaultProxy? _proxy;
    private readonly StorageTargetRegistry _registry = new([new S3TargetType()]);
    private S3BundleStorage? _master;

    public Task InitializeAsync()
    {
        _proxy = new S3FaultProxy(server)
        {
            RequiredSecret = S3rverServer.SecretKey,
            OnRequest = request =>
            {
                if (request.IsUploadPart)
                {
                    _partsSent.Enqueue(request.PartNumber);
                }
            },
        };
        _master = new S3BundleStorage(Settings(_proxy!.ServiceUrl, server.BucketName, string.Empty), Quick());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _master?.Dispose();
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }
    }

    [Fact]
    public async Task Only_the_parts_the_store_lacks_are_sent_and_a_stored_part_that_is_not_the_files_is_sent_again()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        using var bundle = TestBundle.Create(18 * MiB); // four parts of 5 MiB, the last 3 MiB
        var prefix = UniquePrefix("resume");
        const string key = "node-1/wordpress/example.org/a.tar.zst";
        var fullKey = BundleKey.WithPrefix(prefix, key);
        var uploadId = await _master!.Authority.StartMultipartAsync(fullKey, bundle.Sha256Hex, ct);
        // The earlier attempt stored part 1 whole, and part 2 with bytes that are not the file's.
        await StorePartAsync(fullKey, uploadId, 1, await File.ReadAllBytesAsync(bundle.Path, ct) is var bytes ? bytes[..(int)(5 * MiB)] : [], ct);
        await StorePartAsync(fullKey, uploadId, 2, new byte[5 * MiB], ct);

        var stored = await NodeStorage(prefix, uploadId).UploadAsync(bundle.Upload(key), ct);

        Assert.Equal([2, 3, 4], _partsSent.Order());
        Assert.Equal(fullKey, stored.Key);
        Assert.Equal(bundle.Sha256Hex, await StoredSha256Async(server, fullKey, ct));
        Assert.Empty(await OpenUploadsAsync(server, _proxy!, prefix + "/", ct));
    }

    [Fact]
    public async Task An_upload_the_store_no_longer_knows_is_started_afresh()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        using var bundle = TestBundle.Create(12 * MiB);
        var prefix = UniquePrefix("resume-gone");
        const string key = "node-1/wordpress/example.org/b.tar.zst";
        var fullKey = BundleKey.WithPrefix(prefix, key);
        var uploadId = await _master!.Authority.StartMultipartAsync(fullKey, bundle.Sha256Hex, ct);
        await _master.Authority.AbortMultipartAsync(fullKey, uploadId, ct);

        await NodeStorage(prefix, uploadId).UploadAsync(bundle.Upload(key), ct);

        Assert.Equal([1, 2, 3], _partsSent.Order());
        Assert.Equal(bundle.Sha256Hex, await StoredSha256Async(server, fullKey, ct));
        Assert.Empty(await OpenUploadsAsync(server, _proxy!, prefix + "/", ct));
    }

    // A node's storage: no credentials, the master signing and going on with the upload given.
    private IBundleStorage NodeStorage(string prefix, string resumeUploadId) =>
        _registry.Open(
            new StorageTargetSettings("s3-provider", StorageTypes.S3, null, prefix,
                new Backupd.Contracts.Storage.S3Location(_proxy!.ServiceUrl, S3rverServer.Region, server.BucketName, ForcePathStyle: true, null, null)),
            new StorageOpenOptions { S3 = Quick(), UploadGrants = new AuthorityGrants(_master!) { ResumeUploadId = resumeUploadId } });

    private async Task StorePartAsync(string fullKey, string uploadId, int number, byte[] content, CancellationToken ct)
    {
        using var s3 = server.CreateClient();
        using var body = new MemoryStream(content);
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = server.BucketName, Key = fullKey, UploadId = uploadId, PartNumber = number, InputStream = body }, ct);
    }
}
