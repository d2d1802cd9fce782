using Backupd.Modules;
using Backupd.Storage;
using Backupd.TestBed;
using Backupd.Tests.TestBed;
using static Backupd.Tests.Storage.S3TestSetup;

namespace Backupd.Tests.Storage;

[Collection(S3rverCollection.Name)]
public sealed class S3BundleStorageErrorTests(S3rverServer server)
{
    private const string WrongSecret = "wrong-secret-4b1d9e";

    [Fact]
    public async Task A_wrong_secret_is_named_as_the_problem_without_showing_it()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        // s3rver does not check signatures; this proxy does, with s3rver's real secret.
        await using var proxy = new S3FaultProxy(server) { RequiredSecret = S3rverServer.SecretKey };
        var prefix = UniquePrefix("secret");
        using var right = new S3BundleStorage(Settings(proxy.ServiceUrl, server.BucketName, prefix), Quick());
        using var wrong = new S3BundleStorage(Settings(proxy.ServiceUrl, server.BucketName, prefix, secret: WrongSecret), Quick());
        using var bundle = TestBundle.Create(1000);

        Assert.True((await right.ProbeAsync(ct)).Succeeded, "the signature check must pass the right secret");
        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => wrong.UploadAsync(bundle.Upload("i.tar.zst"), ct));
        var probe = await wrong.ProbeAsync(ct);

        Assert.Contains("SignatureDoesNotMatch", error.Message, StringComparison.Ordinal);
        Assert.Contains("secret access key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, error.Message, StringComparison.Ordinal);
        Assert.Equal(StorageProbeStep.Write, probe.FailedStep);
        Assert.Contains("SignatureDoesNotMatch", probe.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, probe.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_access_key_is_named_as_the_problem()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var storage = new S3BundleStorage(Settings(server.ServiceUrl, server.BucketName, "keys", accessKey: "NOSUCHKEY", secret: WrongSecret), Quick());
        using var bundle = TestBundle.Create(1000);

        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => storage.UploadAsync(bundle.Upload("j.tar.zst"), timeout.Token));

        Assert.Contains("access key id 'NOSUCHKEY' (InvalidAccessKeyId)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_bucket_is_named_as_the_problem()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        using var storage = new S3BundleStorage(Settings(server.ServiceUrl, "no-such-bucket", "x"), Quick());
        using var bundle = TestBundle.Create(1000);

        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => storage.UploadAsync(bundle.Upload("k.tar.zst"), ct));
        var probe = await storage.ProbeAsync(ct);

        Assert.Contains("the bucket 'no-such-bucket' does not exist (NoSuchBucket)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("after", error.Message, StringComparison.Ordinal);
        Assert.Equal(StorageProbeStep.Write, probe.FailedStep);
        Assert.Contains("NoSuchBucket", probe.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_named_as_the_problem()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var endpoint = $"http://127.0.0.1:{FreePort.Next()}";
        using var storage = new S3BundleStorage(Settings(endpoint, server.BucketName, "x"), Quick(maxAttempts: 2));
        using var bundle = TestBundle.Create(1000);

        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => storage.UploadAsync(bundle.Upload("l.tar.zst"), timeout.Token));

        Assert.Contains($"nothing accepts connections at {endpoint} (connection refused)", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 2 attempts", error.Message, StringComparison.Ordinal);
    }
}
