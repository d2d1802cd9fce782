using Amazon.S3;
using Amazon.S3.Model;
using Backupd.Contracts.Storage;
using Backupd.Contracts.NodeApi;
using Backupd.Modules.Storage;
using Backupd.Storage;
using Backupd.Storage.Targets;
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

/// <summary>
/// The storage promises, kept by a node's S3 storage, which holds no credentials and writes
/// through URLs the master signs (here the master's own <see cref="S3UploadAuthority"/>, as its
/// node API uses it), through a proxy that checks every signature as S3 does, refuses expired
/// URLs and fails the first try of every request.
/// </summary>
[Collection(S3rverCollection.Name)]
public sealed class PresignedS3WithFaultsConformanceTests(S3rverServer server) : S3ConformanceBase(server, new FirstTryFails().Fault, presigned: true);

/// <summary>S3 through <see cref="S3FaultProxy"/> with the faults given.</summary>
public abstract class S3ConformanceBase : StorageConformanceTests, IAsyncLifetime
{
    private readonly S3rverServer _server;
    private readonly S3FaultProxy _proxy;
    private readonly bool _presigned;
    private S3BundleStorage? _master;
    private CancellationTokenSource? _cancelAtSecondPart;

    protected S3ConformanceBase(S3rverServer server, Func<ProxiedRequest, ProxyFault> faults, bool presigned = false)
    {
        _server = server;
        _presigned = presigned;
        // Listing open uploads is the test's own look, not the target's work: never failed.
        _proxy = new S3FaultProxy(server)
        {
            RequiredSecret = presigned ? S3rverServer.SecretKey : null,
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

    public async Task DisposeAsync()
    {
        _master?.Dispose();
        await _proxy.DisposeAsync();
    }

    // A node gets the settings without credentials; the master keeps them to sign.
    protected override StorageTargetSettings Settings(string prefix) => _presigned ? MasterSettings(prefix) with { S3 = MasterSettings(prefix).S3! with { AccessKeyId = null, SecretAccessKey = null } } : MasterSettings(prefix);

    protected override StorageOpenOptions Options => _presigned
        ? base.Options with { UploadGrants = new AuthorityGrants(_master ??= new S3BundleStorage(S3TestSetup.Settings(_proxy.ServiceUrl, _server.BucketName, string.Empty), S3TestSetup.Quick())) }
        : base.Options;

    protected override StorageOpenOptions DeleteOptions => base.Options;

    protected override StorageTargetSettings DeleteSettings(string prefix) => MasterSettings(prefix);

    private StorageTargetSettings MasterSettings(string prefix) =>
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

/// <summary>The master's side of a node's upload, without the job checks the node API adds: the authority's answers as the node gets them.</summary>
internal sealed class AuthorityGrants(S3BundleStorage master) : IBundleUploadGrants
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    /// <summary>An upload under way to go on with, as the master does for a job whose node kept its bundle.</summary>
    public string? ResumeUploadId { get; set; }

    public async Task<MultipartUploadStarted> StartMultipartAsync(string fullKey, long size, string sha256Hex, long partSize, CancellationToken cancellationToken) =>
        ResumeUploadId is { } existing && await master.Authority.ListPartsAsync(fullKey, existing, cancellationToken) is { } stored
            ? new MultipartUploadStarted(existing) { Stored = stored }
            : new MultipartUploadStarted(await master.Authority.StartMultipartAsync(fullKey, sha256Hex, cancellationToken));

    public Task<PresignedRequest> SignPutAsync(string fullKey, long size, string sha256Hex, CancellationToken cancellationToken) =>
        master.Authority.SignPutAsync(fullKey, sha256Hex, DateTimeOffset.UtcNow + Lifetime);

    public Task<PresignedRequest> SignPartAsync(string fullKey, string uploadId, int partNumber, CancellationToken cancellationToken) =>
        master.Authority.SignPartAsync(fullKey, uploadId, partNumber, DateTimeOffset.UtcNow + Lifetime);

    public Task CompleteMultipartAsync(string fullKey, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken) =>
        master.Authority.CompleteMultipartAsync(fullKey, uploadId, parts, cancellationToken);

    public Task AbortMultipartAsync(string fullKey, string uploadId, CancellationToken cancellationToken) =>
        master.Authority.AbortMultipartAsync(fullKey, uploadId, cancellationToken);

    public Task<PresignedRequest> SignGetAsync(string fullKey, CancellationToken cancellationToken) =>
        master.Authority.SignGetAsync(fullKey, DateTimeOffset.UtcNow + Lifetime);

    public Task VerifyAsync(string fullKey, long size, string sha256Hex, BundleChecksums checksums, CancellationToken cancellationToken) =>
        master.Authority.VerifyAsync(fullKey, size, sha256Hex, checksums, cancellationToken);
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
