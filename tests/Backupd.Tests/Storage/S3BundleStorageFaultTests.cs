using Backupd.Modules;
using Backupd.Modules.Storage;
using Backupd.Tests.Storage.Conformance;
using Backupd.Storage;
using Backupd.TestBed;
using Backupd.Tests.TestBed;
using static Backupd.Tests.Storage.S3TestSetup;

namespace Backupd.Tests.Storage;

/// <summary>The master's S3 storage, signing with the provider's credentials, under faults from the proxy.</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3BundleStorageFaultTests(S3rverServer server) : S3UploadFaultTests(server)
{
    private protected override IBundleStorage Open(S3FaultProxy proxy, string prefix, S3UploadOptions options) =>
        new S3BundleStorage(Settings(proxy.ServiceUrl, Server.BucketName, prefix), options);
}

/// <summary>
/// A node's S3 storage, with no credentials, sending to URLs the master signs, under the same
/// faults, through a proxy that checks every signature as S3 does: retries, stalls, damaged
/// bodies and cancels work as they do for the master's own uploads.
/// </summary>
[Collection(S3rverCollection.Name)]
public sealed class PresignedS3BundleStorageFaultTests(S3rverServer server) : S3UploadFaultTests(server), IDisposable
{
    private readonly List<S3BundleStorage> _masters = [];

    protected override string? RequiredSecret => S3rverServer.SecretKey;

    private protected override IBundleStorage Open(S3FaultProxy proxy, string prefix, S3UploadOptions options)
    {
        var master = new S3BundleStorage(Settings(proxy.ServiceUrl, Server.BucketName, string.Empty), Quick());
        _masters.Add(master);
        return new PresignedS3BundleStorage(Settings(proxy.ServiceUrl, Server.BucketName, prefix, accessKey: string.Empty, secret: string.Empty), new AuthorityGrants(master), options);
    }

    public void Dispose() => _masters.ForEach(master => master.Dispose());
}

/// <summary>What an S3 upload does when the network or the store misbehaves.</summary>
public abstract class S3UploadFaultTests(S3rverServer server)
{
    protected S3rverServer Server => server;

    /// <summary>The secret the proxy checks signatures with, when it checks them.</summary>
    protected virtual string? RequiredSecret => null;

    /// <summary>The storage under test, sending through <paramref name="proxy"/>.</summary>
    private protected abstract IBundleStorage Open(S3FaultProxy proxy, string prefix, S3UploadOptions options);

    [Theory]
    [InlineData(ProxyFault.InternalError)]
    [InlineData(ProxyFault.ResetConnection)]
    public async Task A_part_that_fails_once_is_sent_again_and_the_bundle_arrives_intact(ProxyFault fault)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        var secondPartAttempts = 0;
        await using var proxy = new S3FaultProxy(server)
        {
            RequiredSecret = RequiredSecret,
            Faults = request => request.IsUploadPart && request.PartNumber == 2 && Interlocked.Increment(ref secondPartAttempts) == 1 ? fault : ProxyFault.None,
        };
        var storage = Open(proxy, UniquePrefix("retried"), Quick());
        using var opened = (IDisposable)storage;
        using var bundle = TestBundle.Create(11 * MiB);

        var stored = await storage.UploadAsync(bundle.Upload("e.tar.zst"), ct);

        Assert.Equal(2, secondPartAttempts);
        Assert.Equal(bundle.Sha256Hex, await StoredSha256Async(server, stored.Key, ct));
    }

    [Theory]
    [InlineData(300_000)]
    [InlineData(11 * MiB)]
    public async Task A_body_damaged_on_the_way_is_caught_by_its_md5_and_sent_again(long size)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        var bodies = 0;
        // s3rver ignores Content-MD5 and stores what arrives; the MD5 in its ETag gives it away.
        await using var proxy = new S3FaultProxy(server)
        {
            RequiredSecret = RequiredSecret,
            Faults = request => request.Method == "PUT" && Interlocked.Increment(ref bodies) == 1 ? ProxyFault.CorruptBody : ProxyFault.None,
        };
        var storage = Open(proxy, UniquePrefix("damaged"), Quick());
        using var opened = (IDisposable)storage;
        using var bundle = TestBundle.Create(size);

        var stored = await storage.UploadAsync(bundle.Upload("m.tar.zst"), ct);

        Assert.Equal(bundle.Sha256Hex, await StoredSha256Async(server, stored.Key, ct));
        var first = proxy.Requests.First(request => request.Method == "PUT");
        // The same object and part again (a presigned retry has a URL of its own, signed anew).
        Assert.Equal(2, proxy.Requests.Count(request => request.Method == "PUT" && request.Path == first.Path && request.Query.GetValueOrDefault("partNumber") == first.Query.GetValueOrDefault("partNumber")));
    }

    [Fact]
    public async Task A_part_that_stalls_is_abandoned_and_sent_again()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        var firstPartAttempts = 0;
        await using var proxy = new S3FaultProxy(server)
        {
            RequiredSecret = RequiredSecret,
            Faults = request => request.IsUploadPart && request.PartNumber == 1 && Interlocked.Increment(ref firstPartAttempts) == 1 ? ProxyFault.Hang : ProxyFault.None,
        };
        var options = new S3UploadOptions
        {
            PartSize = S3UploadOptions.MinimumPartSize,
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            StallTimeout = TimeSpan.FromSeconds(2),
        };
        var storage = Open(proxy, UniquePrefix("stalled"), options);
        using var opened = (IDisposable)storage;
        using var bundle = TestBundle.Create(6 * MiB);

        var stored = await storage.UploadAsync(bundle.Upload("f.tar.zst"), ct);

        // Abandoned and sent again. A loaded machine may leave a later attempt silent past the
        // stall timeout too, and that attempt is rightly abandoned as well: more is not wrong.
        Assert.True(firstPartAttempts >= 2, $"the stalled first part was sent {firstPartAttempts} time(s)");
        Assert.Equal(bundle.Sha256Hex, await StoredSha256Async(server, stored.Key, ct));
    }

    [Fact]
    public async Task An_upload_whose_parts_keep_failing_is_aborted_with_a_clear_error()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        await using var proxy = new S3FaultProxy(server)
        {
            RequiredSecret = RequiredSecret,
            Faults = request => request.IsUploadPart && request.PartNumber == 2 ? ProxyFault.InternalError : ProxyFault.None,
        };
        var prefix = UniquePrefix("failing");
        var storage = Open(proxy, prefix, Quick(maxAttempts: 3));
        using var opened = (IDisposable)storage;
        using var bundle = TestBundle.Create(11 * MiB);

        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => storage.UploadAsync(bundle.Upload("g.tar.zst"), ct));

        Assert.Contains("uploading part 2 of 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 500 InternalError", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, proxy.Requests.Count(request => request.IsUploadPart && request.PartNumber == 2));
        Assert.Single(proxy.Requests, request => request.IsAbort);
        Assert.Empty(await OpenUploadsAsync(server, proxy, prefix, ct));
        Assert.False(await ExistsAsync(server, $"{prefix}/g.tar.zst", ct));
    }

    [Fact]
    public async Task Cancelling_a_multipart_upload_aborts_it()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var proxy = new S3FaultProxy(server)
        {
            RequiredSecret = RequiredSecret,
            // The second part hangs; its arrival is the moment to cancel, mid-upload.
            Faults = request => request.IsUploadPart && request.PartNumber == 2 ? ProxyFault.Hang : ProxyFault.None,
            OnRequest = request =>
            {
                if (request.IsUploadPart && request.PartNumber == 2)
                {
                    cancel.CancelAfter(TimeSpan.FromMilliseconds(100));
                }
            },
        };
        var prefix = UniquePrefix("cancelled");
        var storage = Open(proxy, prefix, Quick());
        using var opened = (IDisposable)storage;
        using var bundle = TestBundle.Create(11 * MiB);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.UploadAsync(bundle.Upload("h.tar.zst"), cancel.Token));

        Assert.Single(proxy.Requests, request => request.IsAbort);
        Assert.Empty(await OpenUploadsAsync(server, proxy, prefix, ct));
        Assert.False(await ExistsAsync(server, $"{prefix}/h.tar.zst", ct));
    }
}
