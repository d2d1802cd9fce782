using System.Formats.Tar;
using Backupd.Bundles;

namespace Backupd.Tests.Bundles;

/// <summary>
/// Archives made to escape the destination or plant what a backup never holds. Each must fail with
/// a message naming the entry, and nothing may appear outside the destination or be overwritten in it.
/// </summary>
public sealed class BundleReaderHostileTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _destination;
    private readonly string _outside;

    public BundleReaderHostileTests()
    {
        _destination = _temp.Combine("restore");
        _outside = _temp.Combine("outside");
        Directory.CreateDirectory(_outside);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Absolute_paths_are_refused()
    {
        var target = Path.Combine(_outside, "evil.txt");

        await AssertRefusedAsync(target, "absolute", CraftedBundle.File(target));
    }

    [Theory]
    [InlineData("../outside/evil.txt")]
    [InlineData("site/../../outside/evil.txt")]
    [InlineData("site/..")]
    public async Task Dot_dot_paths_are_refused(string name)
    {
        await AssertRefusedAsync(name, "'..'", CraftedBundle.File(name));
    }

    [Fact]
    public async Task Links_with_absolute_targets_are_refused()
    {
        await AssertRefusedAsync("site/escape", "absolute", CraftedBundle.Link("site/escape", _outside));
    }

    [Fact]
    public async Task Links_climbing_out_of_the_destination_are_refused()
    {
        await AssertRefusedAsync("site/escape", "outside", CraftedBundle.Directory("site"), CraftedBundle.Link("site/escape", "../../outside"));
    }

    [Fact]
    public async Task Links_escaping_through_an_earlier_link_are_refused()
    {
        await AssertRefusedAsync("b", "outside", CraftedBundle.Link("a", "."), CraftedBundle.Link("b", "a/.."));
    }

    [Fact]
    public async Task Links_escaping_through_a_later_link_are_refused_before_any_link_is_made()
    {
        await AssertRefusedAsync("b", "outside", CraftedBundle.Link("b", "a/.."), CraftedBundle.Link("a", "."));

        Assert.False(LinuxFileStatus.Exists(Path.Combine(_destination, "a")));
    }

    [Fact]
    public async Task Writing_through_a_link_is_refused()
    {
        await AssertRefusedAsync(
            "uploads/evil.php",
            "through the symbolic link 'uploads'",
            CraftedBundle.Directory("real"),
            CraftedBundle.Link("uploads", "real"),
            CraftedBundle.File("uploads/evil.php"));
    }

    [Theory]
    [InlineData(TarEntryType.CharacterDevice)]
    [InlineData(TarEntryType.BlockDevice)]
    [InlineData(TarEntryType.Fifo)]
    [InlineData(TarEntryType.HardLink)]
    public async Task Devices_fifos_and_hard_links_are_refused(TarEntryType type)
    {
        await AssertRefusedAsync("dev/thing", type.ToString(), CraftedBundle.Of(type, "dev/thing"));
    }

    [Fact]
    public async Task A_second_entry_with_the_same_name_is_refused_and_overwrites_nothing()
    {
        await AssertRefusedAsync("index.php", "twice", CraftedBundle.File("index.php", "original"), CraftedBundle.File("index.php", "replaced"));

        Assert.Equal("original", await File.ReadAllTextAsync(Path.Combine(_destination, "index.php")));
    }

    [Fact]
    public async Task A_link_replacing_an_extracted_file_is_refused()
    {
        await AssertRefusedAsync("index.php", "twice", CraftedBundle.File("index.php", "original"), CraftedBundle.Link("index.php", "other.php"));

        Assert.Equal("original", await File.ReadAllTextAsync(Path.Combine(_destination, "index.php")));
    }

    [Fact]
    public async Task A_destination_that_is_not_empty_is_refused_and_left_as_it_was()
    {
        Directory.CreateDirectory(_destination);
        var existing = Path.Combine(_destination, "index.php");
        await File.WriteAllTextAsync(existing, "live site");
        var bundle = _temp.Combine("ok.tar.zst");
        await CraftedBundle.WriteAsync(bundle, CraftedBundle.File("index.php", "from the bundle"));

        await using var input = File.OpenRead(bundle);
        var error = await Assert.ThrowsAsync<IOException>(() => BundleReader.ExtractToDirectoryAsync(input, _destination, CancellationToken.None));

        Assert.Contains("not empty", error.Message, StringComparison.Ordinal);
        Assert.Equal("live site", await File.ReadAllTextAsync(existing));
    }

    [Fact]
    public async Task Set_user_id_bits_are_not_restored()
    {
        var bundle = _temp.Combine("suid.tar.zst");
        await CraftedBundle.WriteAsync(bundle, CraftedBundle.File("bin/tool", mode: (UnixFileMode)0b100_111_101_101));

        await using (var input = File.OpenRead(bundle))
        {
            await BundleReader.ExtractToDirectoryAsync(input, _destination, CancellationToken.None);
        }

        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(_destination, "bin", "tool")));
    }

    private async Task AssertRefusedAsync(string entryName, string reason, params TarEntry[] entries)
    {
        var bundle = _temp.Combine("hostile.tar.zst");
        await CraftedBundle.WriteAsync(bundle, entries);

        await using var input = File.OpenRead(bundle);
        var error = await Assert.ThrowsAsync<HostileBundleEntryException>(
            () => BundleReader.ExtractToDirectoryAsync(input, _destination, CancellationToken.None));

        Assert.Equal(entryName, error.EntryName);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
        Assert.Equal(
            new[] { _outside, bundle, _destination }.Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(_temp.Path).Order(StringComparer.Ordinal));
    }
}
