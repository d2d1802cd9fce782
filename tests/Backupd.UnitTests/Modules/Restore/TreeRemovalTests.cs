using Backupd.Modules.WordPress.Restore;
using Backupd.Tests.Bundles;

namespace Backupd.Tests.Modules.Restore;

/// <summary>What a restore replaced is removed on every core: all of it, and nothing a link inside it points to.</summary>
public sealed class TreeRemovalTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Removes_the_whole_tree_and_unlinks_links_without_touching_their_targets()
    {
        var outside = Directory.CreateDirectory(_temp.Combine("outside", "keep")).FullName;
        File.WriteAllText(Path.Combine(outside, "precious.txt"), "not the restore's");
        var root = _temp.Combine("wp-content.pre-restore");
        foreach (var year in new[] { "2023", "2024" })
        {
            for (var month = 1; month <= 12; month++)
            {
                var directory = Directory.CreateDirectory(Path.Combine(root, "uploads", year, $"{month:00}")).FullName;
                File.WriteAllText(Path.Combine(directory, "image.jpg"), "jpeg");
            }
        }

        Directory.CreateDirectory(Path.Combine(root, "plugins", "akismet"));
        File.WriteAllText(Path.Combine(root, "index.php"), "<?php");
        // Links at each level the removal splits at, to a directory it must not empty.
        Directory.CreateSymbolicLink(Path.Combine(root, "linked"), outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "uploads", "linked"), outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "uploads", "2024", "linked"), outside);
        File.CreateSymbolicLink(Path.Combine(root, "plugins", "akismet", "dangling"), _temp.Combine("nowhere"));

        TreeRemoval.Delete(root);

        Assert.False(Directory.Exists(root));
        Assert.False(File.Exists(root));
        Assert.Equal("not the restore's", File.ReadAllText(Path.Combine(outside, "precious.txt")));
    }

    [Fact]
    public void A_missing_tree_is_an_error_not_a_silent_success()
    {
        Assert.Throws<DirectoryNotFoundException>(() => TreeRemoval.Delete(_temp.Combine("not-there")));
    }
}
