using Amazon.S3;
using Amazon.S3.Model;
using Backupd.Contracts.Storage;
using Backupd.Modules.Storage;
using Backupd.TestBed;
using Backupd.Tests.TestBed;

namespace Backupd.Tests.Storage.Conformance;

/// <summary>The storage promises, kept by S3 on s3rver (behind the test shim for what s3rver lacks).</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3ConformanceTests(S3rverServer server) : S3ConformanceBase(server, _ => ProxyFault.None);

/// <summary>
/// The storage promises, kept by S3 through a proxy that answers the first try of every
/// request 500 InternalError: retries must make every promise hold all the same.
/// </summary>
[Collection(S3rverCollection.Name)]
public sealed class S3WithFaultsConformanceTests(S3rverServer server) : S3ConformanceBase(server, new FirstTryFails().Fault);

/// <summary>S3 through <see cref="S3FaultProxy"/> with the faults given.</summary>
public abstract class S3ConformanceBase : StorageConformanceTests, IAsyncLifetime
{
    private readonly S3rverServer _server;
    private readonly S3FaultProxy _proxy;
    private CancellationTokenSource? _cancelAtSecondPart;

    protected S3ConformanceBase(S3rverServer server, Func<ProxiedRequest, ProxyFault> faults)
    {
        _server = server;
        // Listing open uploads is the test's own look, not the target's work: never failed.
        _proxy = new S3FaultProxy(server)
        {
            Faults = request => request.IsListUploads ? ProxyFault.None : IsCancelPoint(request) ? ProxyFault.Hang : faults(request),
            OnRequest = request =>
            {
                if (IsCancelPoint(request))
                {
                    _cancelAtSecondPart!.CancelAfter(TimeSpan.FromMilliseconds(100));
                }
            },
        };
    }

    // s3rver can fall over when a request is cut off in the middle of its body, so the cancel
    // lands while the proxy holds the second part, as a stalled network would, not mid-body.
    protected override BundleUpload CancelMidway(BundleUpload upload, CancellationTokenSource cancel)
    {
        _cancelAtSecondPart = cancel;
        return upload;
    }

    private bool IsCancelPoint(ProxiedRequest request) => _cancelAtSecondPart is not null && request.IsUploadPart && request.PartNumber == 2;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    protected override StorageTargetSettings Settings(string prefix) =>
        new("s3-provider", StorageTypes.S3, null, prefix,
            new Backupd.Contracts.Storage.S3Location(_proxy.ServiceUrl, S3rverServer.Region, _server.BucketName, ForcePathStyle: true, S3rverServer.AccessKey, S3rverServer.SecretKey));

    protected override async Task<byte[]?> ReadStoredAsync(string fullKey)
    {
        using var s3 = _server.CreateClient();
        try
        {
            using var response = await s3.GetObjectAsync(_server.BucketName, fullKey);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy);
            return copy.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    // Objects, and multipart uploads left open (which cost money on a real store), under the prefix.
    protected override async Task<IReadOnlyList<string>> StoredKeysAsync(string prefix)
    {
        using var s3 = _server.CreateClient();
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _server.BucketName, Prefix = prefix + "/" });
        var open = await S3TestSetup.OpenUploadsAsync(_server, _proxy, prefix + "/", CancellationToken.None);
        return [.. (listed.S3Objects ?? []).Select(o => o.Key).Concat(open.Select(u => $"{u.Key} (open upload {u.UploadId})")).Order(StringComparer.Ordinal)];
    }
}

/// <summary>Fails the first try of each request (by method and target) with a 500.</summary>
internal sealed class FirstTryFails
{
    private readonly HashSet<string> _seen = [];

    public ProxyFault Fault(ProxiedRequest request)
    {
        lock (_seen)
        {
            return _seen.Add($"{request.Method} {request.Target}") ? ProxyFault.InternalError : ProxyFault.None;
        }
    }
}
