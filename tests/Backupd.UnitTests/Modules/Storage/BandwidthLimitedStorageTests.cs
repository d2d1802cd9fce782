using Backupd.Modules;
using Backupd.Modules.Resources;
using Backupd.Modules.Storage;

namespace Backupd.Tests.Modules.Storage;

public sealed class BandwidthLimitedStorageTests
{
    [Fact]
    public async Task Every_upload_and_download_reaches_the_target_under_the_nodes_limit_and_deletes_pass_through()
    {
        using var limiter = new BandwidthLimiter(8_000_000, TimeProvider.System);
        var inner = new RecordingStorage();
        using var storage = new BandwidthLimitedStorage(inner, limiter);

        var stored = await storage.UploadAsync(new BundleUpload("/tmp/b.tar.zst", "n/wordpress/s/b.tar.zst", 10, new string('a', 64)), CancellationToken.None);
        await storage.DeleteAsync("p/n/wordpress/s/old.tar.zst", CancellationToken.None);
        var received = await storage.DownloadAsync(new BundleDownload("p/n/wordpress/s/b.tar.zst", "/tmp/copy.tar.zst", 10), CancellationToken.None);

        Assert.Same(limiter, inner.Uploads.Single().Bandwidth);
        Assert.Same(limiter, inner.Downloads.Single().Bandwidth);
        Assert.Equal("p/n/wordpress/s/b.tar.zst", received.Key);
        Assert.Equal("n/wordpress/s/b.tar.zst", stored.Key);
        Assert.Equal(["p/n/wordpress/s/old.tar.zst"], inner.Deleted);
        Assert.Equal("recording", storage.Description);
    }

    private sealed class RecordingStorage : IBundleStorage
    {
        public List<BundleUpload> Uploads { get; } = [];

        public List<string> Deleted { get; } = [];

        public List<BundleDownload> Downloads { get; } = [];

        public string Description => "recording";

        public Task<StoredBundleInfo> UploadAsync(BundleUpload upload, CancellationToken cancellationToken)
        {
            Uploads.Add(upload);
            return Task.FromResult(new StoredBundleInfo(upload.Key, upload.Size, upload.Sha256Hex));
        }

        public Task<StoredBundleInfo> DownloadAsync(BundleDownload download, CancellationToken cancellationToken)
        {
            Downloads.Add(download);
            return Task.FromResult(new StoredBundleInfo(download.FullKey, download.Size, new string('b', 64)));
        }

        public Task DeleteAsync(string fullKey, CancellationToken cancellationToken)
        {
            Deleted.Add(fullKey);
            return Task.CompletedTask;
        }
    }
}
