using Backupd.Modules;
using Backupd.Modules.Storage;
using Backupd.Storage;
using Backupd.Tests.Bundles;

namespace Backupd.Tests.Storage;

/// <summary>
/// The local folder target on a real disk: what it refuses, and what it leaves behind when it does.
/// What every target promises is in <see cref="Conformance.LocalFolderConformanceTests"/>.
/// </summary>
public sealed class LocalFolderStorageTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_copy_a_crash_left_under_its_temporary_name_is_removed_by_the_next_upload_to_that_folder_or_key_and_one_in_progress_is_not()
    {
        var root = Directory.CreateDirectory(_temp.Combine("nas")).FullName;
        var folder = Directory.CreateDirectory(Path.Combine(root, "n", "wordpress", "s")).FullName;
        var crashed = Path.Combine(folder, "20261201T000000Z-old.tar.zst.partial-0123456789abcdef0123456789abcdef");
        var inProgress = Path.Combine(folder, "20261202T000000Z-now.tar.zst.partial-fedcba9876543210fedcba9876543210");
        // An earlier attempt's copy to this very key, interrupted a moment ago: this upload replaces it.
        var sameKey = Path.Combine(folder, "b.tar.zst.partial-00112233445566778899aabbccddeeff");
        await File.WriteAllBytesAsync(crashed, new byte[100]);
        await File.WriteAllBytesAsync(inProgress, new byte[100]);
        await File.WriteAllBytesAsync(sameKey, new byte[100]);
        File.SetLastWriteTimeUtc(crashed, DateTime.UtcNow.AddDays(-2));
        using var bundle = TestBundle.Create(1000);

        await new LocalFolderStorage(root, "").UploadAsync(bundle.Upload("n/wordpress/s/b.tar.zst"), CancellationToken.None);

        Assert.False(File.Exists(crashed));
        Assert.False(File.Exists(sameKey));
        Assert.True(File.Exists(inProgress));
        Assert.True(File.Exists(Path.Combine(folder, "b.tar.zst")));
    }

    [Fact]
    public async Task A_missing_directory_is_refused_with_what_to_do_and_is_not_created()
    {
        var root = _temp.Combine("nas-not-mounted");
        using var bundle = TestBundle.Create(1000);

        var error = await Assert.ThrowsAsync<ModuleFailedException>(
            () => new LocalFolderStorage(root, "").UploadAsync(bundle.Upload("n/wordpress/s/b.tar.zst"), CancellationToken.None));

        Assert.Equal(
            $"The storage directory {root} does not exist on this node. Create it (mkdir -p {root}), mount the disk it lives on, or fix the provider's path.",
            error.Message);
        Assert.False(Directory.Exists(root));
    }

    [Theory]
    [InlineData(0, "0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData(1, null)]
    public async Task A_copy_that_does_not_read_back_as_the_bundle_fails_the_upload_and_never_takes_the_keys_place(long sizeOffset, string? sha256)
    {
        // The copy is read back and compared with what the bundle writer recorded. Read back right
        // after writing it mostly comes from the page cache: this catches a short or wrong copy (a
        // full disk, a source changed underneath), not a platter that rots later. Here the record
        // disagrees with the bytes, which is what such a copy looks like from the check's side.
        var root = _temp.Combine("backups");
        var destination = Path.Combine(root, "n/wordpress/s/b.tar.zst");
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        await File.WriteAllTextAsync(destination, "an earlier, good bundle under the same key");
        using var bundle = TestBundle.Create(64 * 1024);
        var upload = bundle.Upload("n/wordpress/s/b.tar.zst") with { Size = bundle.Size + sizeOffset, Sha256Hex = sha256 ?? bundle.Sha256Hex };

        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => new LocalFolderStorage(root, "").UploadAsync(upload, CancellationToken.None));

        Assert.StartsWith($"The bundle written to {destination} does not match: {bundle.Size} bytes with SHA-256 {bundle.Sha256Hex}, expected {upload.Size} bytes with {upload.Sha256Hex}.", error.Message, StringComparison.Ordinal);
        Assert.Equal([destination], Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories));
        Assert.Equal("an earlier, good bundle under the same key", await File.ReadAllTextAsync(destination));
    }

    [Theory]
    [InlineData("", "../outside.tar.zst")]
    [InlineData("", "n/../../outside.tar.zst")]
    [InlineData("../", "outside.tar.zst")]
    [InlineData("", "/tmp/outside.tar.zst")]
    public async Task A_key_that_climbs_out_of_the_directory_is_refused_before_anything_is_written(string prefix, string key)
    {
        var root = _temp.Combine("backups");
        Directory.CreateDirectory(root);
        using var bundle = TestBundle.Create(1000);
        var storage = new LocalFolderStorage(root, prefix);

        var fullKey = BundleKey.WithPrefix(prefix, key);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => storage.UploadAsync(bundle.Upload(key), CancellationToken.None));
        Assert.StartsWith($"The key '{fullKey}' points outside the storage directory.", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => storage.DeleteAsync(fullKey, CancellationToken.None));

        Assert.False(File.Exists(_temp.Combine("outside.tar.zst")));
        Assert.False(File.Exists("/tmp/outside.tar.zst"));
        Assert.Equal([root], Directory.EnumerateFileSystemEntries(_temp.Path));
    }
}
