using Backupd.Contracts.Storage;
using Backupd.Modules;
using Backupd.Modules.Storage;
using Backupd.Storage;
using Backupd.Storage.Targets;

namespace Backupd.Tests.Storage.Conformance;

/// <summary>
/// What every storage target promises, run against each one (a local folder, S3 on s3rver, S3
/// through a proxy that fails requests), each opened through <see cref="StorageTargetRegistry"/>
/// from a provider's settings, as the node opens it.
/// </summary>
public abstract class StorageConformanceTests
{
    private const long MiB = 1024 * 1024;

    private readonly StorageTargetRegistry _registry = new([new LocalFolderTargetType(), new S3TargetType()]);

    /// <summary>The provider settings of a target whose bundles go under <paramref name="prefix"/>.</summary>
    protected abstract StorageTargetSettings Settings(string prefix);

    /// <summary>The bytes stored under <paramref name="fullKey"/>, or null when there is nothing.</summary>
    protected abstract Task<byte[]?> ReadStoredAsync(string fullKey);

    /// <summary>Every key stored under <paramref name="prefix"/>, temporary and unfinished ones included where the target can show them.</summary>
    protected abstract Task<IReadOnlyList<string>> StoredKeysAsync(string prefix);

    [Theory]
    [InlineData(300_000)]
    [InlineData(12 * MiB + 5)]
    public async Task A_bundle_is_stored_under_the_prefix_and_its_key_and_reads_back_byte_for_byte(long size)
    {
        var prefix = NewPrefix();
        using var bundle = TestBundle.Create(size);
        var reported = 0L;

        var stored = await UploadAsync(prefix, bundle.Upload("node-1/wordpress/example.org/a.tar.zst") with { Progress = new SyncProgress(done => reported = done) });

        Assert.Equal(($"{prefix}/node-1/wordpress/example.org/a.tar.zst", bundle.Size, bundle.Sha256Hex), (stored.Key, stored.Size, stored.Sha256Hex));
        Assert.Equal(await File.ReadAllBytesAsync(bundle.Path), await ReadStoredAsync(stored.Key));
        Assert.Equal([stored.Key], await StoredKeysAsync(prefix));
        Assert.Equal(bundle.Size, reported);
    }

    [Fact]
    public async Task Storing_under_a_key_again_replaces_what_was_there()
    {
        var prefix = NewPrefix();
        using var first = TestBundle.Create(100_000);
        using var second = TestBundle.Create(200_000);

        await UploadAsync(prefix, first.Upload("n/wordpress/s/b.tar.zst"));
        var stored = await UploadAsync(prefix, second.Upload("n/wordpress/s/b.tar.zst"));

        Assert.Equal(await File.ReadAllBytesAsync(second.Path), await ReadStoredAsync(stored.Key));
        Assert.Equal([stored.Key], await StoredKeysAsync(prefix));
    }

    [Fact]
    public async Task A_bundle_that_changed_since_it_was_recorded_is_refused_with_a_clear_error()
    {
        var prefix = NewPrefix();
        using var bundle = TestBundle.Create(100_000);
        var changed = bundle.Upload("n/wordpress/s/changed.tar.zst") with { Size = bundle.Size + 1 };

        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => UploadAsync(prefix, changed));

        Assert.Contains("expected", error.Message, StringComparison.Ordinal);
        Assert.Empty(await StoredKeysAsync(prefix));
    }

    [Fact]
    public async Task A_bundle_whose_bytes_do_not_match_their_digest_is_refused_and_not_left_under_its_key()
    {
        var prefix = NewPrefix();
        using var bundle = TestBundle.Create(100_000);
        var wrong = bundle.Upload("n/wordpress/s/wrong.tar.zst") with { Sha256Hex = new string('0', 64) };

        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => UploadAsync(prefix, wrong));

        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Null(await ReadStoredAsync($"{prefix}/n/wordpress/s/wrong.tar.zst"));
    }

    [Fact]
    public async Task A_cancelled_upload_stops_and_leaves_nothing_behind()
    {
        var prefix = NewPrefix();
        using var bundle = TestBundle.Create(12 * MiB);
        using var cancel = new CancellationTokenSource();
        var upload = CancelMidway(bundle.Upload("n/wordpress/s/cancelled.tar.zst"), cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => UploadAsync(prefix, upload, cancel.Token));

        Assert.Empty(await StoredKeysAsync(prefix));
    }

    [Fact]
    public async Task A_deleted_bundle_is_gone_and_deleting_it_again_is_no_error()
    {
        var prefix = NewPrefix();
        using var bundle = TestBundle.Create(50_000);
        var stored = await UploadAsync(prefix, bundle.Upload("n/wordpress/s/old.tar.zst"));
        var storage = _registry.Open(DeleteSettings(prefix), DeleteOptions);
        try
        {
            await storage.DeleteAsync(stored.Key, CancellationToken.None);
            await storage.DeleteAsync(stored.Key, CancellationToken.None);
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }

        Assert.Null(await ReadStoredAsync(stored.Key));
        Assert.Empty(await StoredKeysAsync(prefix));
    }

    [Fact]
    public async Task A_stored_bundle_downloads_byte_for_byte_with_its_size_and_hash()
    {
        var prefix = NewPrefix();
        using var bundle = TestBundle.Create(12 * MiB + 5);
        var stored = await UploadAsync(prefix, bundle.Upload("n/wordpress/s/kept.tar.zst"));
        var copy = Path.Combine(Path.GetTempPath(), $"download-{Guid.NewGuid():N}");
        var reported = 0L;
        try
        {
            var received = await DownloadAsync(prefix, new BundleDownload(stored.Key, copy, stored.Size) { Progress = new SyncProgress(done => reported = done) });

            Assert.Equal((stored.Key, bundle.Size, bundle.Sha256Hex), (received.Key, received.Size, received.Sha256Hex));
            Assert.Equal(await File.ReadAllBytesAsync(bundle.Path), await File.ReadAllBytesAsync(copy));
            Assert.Equal(bundle.Size, reported);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public async Task Downloading_a_bundle_that_is_not_there_says_so()
    {
        var prefix = NewPrefix();
        using var bundle = TestBundle.Create(1000);
        await UploadAsync(prefix, bundle.Upload("n/wordpress/s/there.tar.zst"));
        var copy = Path.Combine(Path.GetTempPath(), $"download-{Guid.NewGuid():N}");
        try
        {
            var error = await Assert.ThrowsAsync<ModuleFailedException>(() => DownloadAsync(prefix, new BundleDownload($"{prefix}/n/wordpress/s/gone.tar.zst", copy, 1000)));

            Assert.Contains("gone.tar.zst", error.Message, StringComparison.Ordinal);
            Assert.False(error.Transient);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public async Task A_stored_object_larger_than_the_recorded_bundle_is_refused_without_reading_past_it()
    {
        var prefix = NewPrefix();
        using var bundle = TestBundle.Create(300_000);
        var stored = await UploadAsync(prefix, bundle.Upload("n/wordpress/s/grown.tar.zst"));
        var copy = Path.Combine(Path.GetTempPath(), $"download-{Guid.NewGuid():N}");
        try
        {
            var error = await Assert.ThrowsAsync<ModuleFailedException>(() => DownloadAsync(prefix, new BundleDownload(stored.Key, copy, stored.Size - 1)));

            Assert.Contains("more than the 299999 bytes recorded", error.Message, StringComparison.Ordinal);
            Assert.True(new FileInfo(copy).Length <= stored.Size - 1);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    /// <summary>
    /// Arranges for <paramref name="cancel"/> to be cancelled once <paramref name="upload"/> is
    /// under way: here, at its first progress report.
    /// </summary>
    protected virtual BundleUpload CancelMidway(BundleUpload upload, CancellationTokenSource cancel) =>
        upload with { Progress = new SyncProgress(done => { if (done > 0) { cancel.Cancel(); } }) };

    /// <summary>Small parts and quick retries, so multipart and retry paths run in moments.</summary>
    protected virtual StorageOpenOptions Options => new() { S3 = S3TestSetup.Quick() };

    /// <summary>How the storage is opened to delete: where writes are the node's and deletes the master's, the master's way.</summary>
    protected virtual StorageOpenOptions DeleteOptions => Options;

    /// <summary>The settings the storage is opened with to delete (see <see cref="DeleteOptions"/>).</summary>
    protected virtual StorageTargetSettings DeleteSettings(string prefix) => Settings(prefix);

    private static string NewPrefix() => $"conformance-{Guid.NewGuid():N}";

    private Task<StoredBundleInfo> UploadAsync(string prefix, BundleUpload upload, CancellationToken cancellationToken = default) =>
        WithStorageAsync(prefix, storage => storage.UploadAsync(upload, cancellationToken));

    private Task<StoredBundleInfo> DownloadAsync(string prefix, BundleDownload download) =>
        WithStorageAsync(prefix, storage => storage.DownloadAsync(download, CancellationToken.None));

    // The target opened from its settings as the node opens it, for one call.
    private async Task<T> WithStorageAsync<T>(string prefix, Func<IBundleStorage, Task<T>> use)
    {
        var storage = _registry.Open(Settings(prefix), Options);
        try
        {
            return await use(storage);
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }
    }

    // Progress<T> posts to the thread pool; the tests need the count when the upload returns.
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
