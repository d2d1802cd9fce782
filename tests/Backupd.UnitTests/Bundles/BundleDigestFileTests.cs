using Backupd.Bundles;

namespace Backupd.Tests.Bundles;

public sealed class BundleDigestFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Digests_read_back_in_order_whatever_characters_the_names_hold()
    {
        using var digests = BundleDigestFile.Create(_temp.Combine("digests.bin"));
        BundleFileDigest[] added =
        [
            new("wp-content/a.php", 12, new string('a', 64)),
            new("wp-content/line\nbreak\tand tab.txt", 0, new string('b', 64)),
            new($"wp-content/{SampleTree.NonAsciiName}", 9_000_000_000, new string('c', 64)),
        ];
        foreach (var digest in added)
        {
            digests.Add(digest);
        }

        Assert.Equal(added, digests.ReadAll());
        Assert.Equal(3, digests.Count);
        // Reading does not end the file: more can follow, and a second read sees them too.
        digests.Add(new BundleFileDigest("manifest.json", 2, new string('d', 64)));
        Assert.Equal(4, digests.ReadAll().Count());
    }

    [Fact]
    public void The_file_is_private_and_deleted_on_dispose()
    {
        var path = _temp.Combine("digests.bin");
        var digests = BundleDigestFile.Create(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        digests.Dispose();

        Assert.False(File.Exists(path));
        Assert.Throws<ObjectDisposedException>(() => digests.Add(new BundleFileDigest("x", 1, new string('e', 64))));
    }

    [Fact]
    public async Task A_writer_given_the_digest_file_hands_every_digest_over_and_keeps_none_itself()
    {
        var source = _temp.Combine("site");
        SampleTree.Create(source);
        using var digests = BundleDigestFile.Create(_temp.Combine("digests.bin"));
        var (kept, _) = await BundleFiles.WriteTreeAsync(_temp.Combine("kept.tar.zst"), source, "wp-content");

        var (handedOver, _) = await BundleFiles.WriteTreeAsync(
            _temp.Combine("handed-over.tar.zst"), source, "wp-content", options: new BundleWriterOptions { FileStored = digests.Add });

        Assert.Empty(handedOver.Files);
        Assert.Equal(kept.Files, digests.ReadAll());
    }
}
