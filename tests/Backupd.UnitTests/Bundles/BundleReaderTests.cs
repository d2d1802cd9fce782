using System.Formats.Tar;
using Backupd.Bundles;

namespace Backupd.Tests.Bundles;

public sealed class BundleReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // The sample tree at "site", and a bundle of it with its entries under "site/".
    private async Task<(string Source, string Bundle, BundleResult Result, BundleTreeSummary Tree)> SampleBundleAsync()
    {
        var source = _temp.Combine("site");
        SampleTree.Create(source);
        var bundle = _temp.Combine("site.tar.zst");
        var (result, tree) = await BundleFiles.WriteTreeAsync(bundle, source, "site");
        return (source, bundle, result, tree);
    }

    [Fact]
    public async Task Extraction_restores_the_tree_with_modes_times_and_links()
    {
        var (source, bundle, _, tree) = await SampleBundleAsync();

        BundleTreeSummary extracted;
        await using (var input = File.OpenRead(bundle))
        {
            extracted = await BundleReader.ExtractToDirectoryAsync(input, _temp.Combine("restore"), CancellationToken.None);
        }

        Assert.Equal(TreeSnapshot.Of(source, linkMetadata: false), TreeSnapshot.Of(_temp.Combine("restore", "site"), linkMetadata: false));
        Assert.Equal((tree.Files, tree.Directories, tree.Symlinks, tree.Bytes), (extracted.Files, extracted.Directories, extracted.Symlinks, extracted.Bytes));
    }

    [Fact]
    public async Task Extraction_gives_everything_it_writes_to_the_owner_asked_for_and_keeps_modes_and_times()
    {
        var (source, bundle, _, _) = await SampleBundleAsync();
        var restore = _temp.Combine("restore");
        // No such user need exist: a restore gives files to the site owner's numbers.
        var owner = new FileOwner(54321, 54322);

        await using var input = File.OpenRead(bundle);
        var extraction = BundleReader.ExtractToDirectoryAsync(input, restore, progress: null, leaveOut: null, owner, CancellationToken.None);

        if (!Environment.IsPrivilegedProcess)
        {
            // Only root may give files away; a node that is not root is told so by the extraction's failure.
            var refused = await Assert.ThrowsAsync<IOException>(() => extraction);
            Assert.Contains("uid 54321, gid 54322", refused.Message, StringComparison.Ordinal);
            return;
        }

        await extraction;
        var tree = TreeSnapshot.Of(source, linkMetadata: false);
        Assert.Contains(tree, entry => entry.Kind == LinuxFileKind.SymbolicLink);
        Assert.All(tree.Select(entry => Path.Combine(restore, "site", entry.Path)).Append(Path.Combine(restore, "site")),
            path => Assert.Equal(owner, FileOwnership.Of(path)));
        Assert.NotEqual(owner, FileOwnership.Of(restore));
        Assert.Equal(TreeSnapshot.Of(source, linkMetadata: false), TreeSnapshot.Of(Path.Combine(restore, "site"), linkMetadata: false));
    }

    [Fact]
    public async Task One_file_is_read_out_of_a_bundle_while_an_extraction_of_the_rest_leaves_it_out()
    {
        var (source, bundle, _, _) = await SampleBundleAsync();
        const string member = "site/nested/deeper/secret.txt";

        // Two readers of one bundle at once, as a restore stages its files and imports its dump.
        var read = new MemoryStream();
        BundleTreeSummary extracted;
        await using (var forFiles = File.OpenRead(bundle))
        await using (var forMember = File.OpenRead(bundle))
        {
            var extraction = BundleReader.ExtractToDirectoryAsync(forFiles, _temp.Combine("restore"), progress: null, name => name == member, CancellationToken.None);
            Assert.True(await BundleReader.ReadEntryAsync(forMember, member, content => content.CopyToAsync(read), CancellationToken.None));
            extracted = await extraction;
        }

        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(source, "nested", "deeper", "secret.txt")), read.ToArray());
        Assert.False(File.Exists(_temp.Combine("restore", "site", "nested", "deeper", "secret.txt")));
        var expected = TreeSnapshot.Of(source, linkMetadata: false).Where(entry => entry.Path != "nested/deeper/secret.txt").ToList();
        Assert.Equal(expected, TreeSnapshot.Of(_temp.Combine("restore", "site"), linkMetadata: false));
        Assert.Equal(expected.Count(entry => entry.Kind == LinuxFileKind.RegularFile), extracted.Files);

        await using var again = File.OpenRead(bundle);
        Assert.False(await BundleReader.ReadEntryAsync(again, "site/not-there.txt", _ => throw new InvalidOperationException("no entry to read"), CancellationToken.None));
    }

    [Fact]
    public async Task Listing_gives_each_entry_with_the_digest_the_writer_reported()
    {
        var (source, bundle, result, _) = await SampleBundleAsync();

        var entries = await BundleFiles.ListAsync(bundle);

        Assert.Equal(result.Files, entries.Where(e => e.Type == TarEntryType.RegularFile).Select(e => new BundleFileDigest(e.Name, e.Size, e.Sha256Hex!)));
        var link = Assert.Single(entries, e => e.Name == "site/link-to-dir");
        Assert.Equal((TarEntryType.SymbolicLink, "nested"), (link.Type, link.LinkTarget));
        var directory = Assert.Single(entries, e => e.Name == "site/nested/deeper");
        Assert.Equal(TarEntryType.Directory, directory.Type);
        Assert.Equal((UnixFileMode)0b111_101_000, directory.Mode);
        var secret = Assert.Single(entries, e => e.Name == "site/nested/deeper/secret.txt");
        Assert.Equal((UnixFileMode)0b110_000_000, secret.Mode);
        Assert.Equal(File.GetLastWriteTimeUtc(Path.Combine(source, "nested", "deeper", "secret.txt")), secret.ModificationTime.UtcDateTime);
        Assert.Contains(entries, e => e.Name == $"site/nested/deeper/{SampleTree.LongName}");
        Assert.Contains(entries, e => e.Name == $"site/{SampleTree.NonAsciiName}");
    }

    [Fact]
    public async Task A_corrupted_bundle_fails_the_listing()
    {
        var (source, bundle, _, _) = await SampleBundleAsync();
        await using (var file = new FileStream(bundle, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length / 2;
            var original = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)~original);
        }

        await Assert.ThrowsAsync<DamagedBundleException>(() => BundleFiles.ListAsync(bundle));
    }

    [Fact]
    public async Task A_truncated_bundle_fails_the_listing()
    {
        var (source, bundle, _, _) = await SampleBundleAsync();
        await using (var file = new FileStream(bundle, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(file.Length - 100);
        }

        await Assert.ThrowsAsync<DamagedBundleException>(() => BundleFiles.ListAsync(bundle));
    }
}
