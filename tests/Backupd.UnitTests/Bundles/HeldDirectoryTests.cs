using Backupd.Bundles;
using Backupd.Modules.WordPress.Restore;

namespace Backupd.Tests.Bundles;

/// <summary>
/// What a restore's file work stands on when the site's owner can rename its directories: a held
/// directory is reached wherever it was moved and never through a link put in its place; a walk
/// beneath it refuses links; a private directory is refused when someone else made it; a tree is
/// removed without following the links in it.
/// </summary>
public sealed class HeldDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("backupd-held-").FullName;

    [Fact]
    public void A_path_through_a_held_directory_reaches_it_after_a_rename_and_never_the_link_put_in_its_place()
    {
        var site = Directory.CreateDirectory(Path.Combine(_root, "site")).FullName;
        var elsewhere = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        using var held = HeldDirectory.Open(site);

        Directory.Move(site, site + ".moved");
        Directory.CreateSymbolicLink(site, elsewhere);
        File.WriteAllText(Path.Join(held.Path, "written.txt"), "x");

        Assert.True(File.Exists(Path.Combine(site + ".moved", "written.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
        Assert.Equal(site, held.Shown);
    }

    [Fact]
    public void A_walk_beneath_refuses_a_link_on_the_way_and_makes_what_is_missing()
    {
        var site = Directory.CreateDirectory(Path.Combine(_root, "site")).FullName;
        var elsewhere = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        Directory.CreateDirectory(Path.Combine(site, "wp-content"));
        Directory.CreateSymbolicLink(Path.Combine(site, "wp-content", "uploads"), elsewhere);
        using var held = HeldDirectory.Open(site);

        var refused = Assert.Throws<IOException>(() => held.OpenBeneath("wp-content/uploads/2024", makeMissing: true));
        Assert.Contains("uploads' is a link or not what was expected there", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
        Assert.Throws<DirectoryNotFoundException>(() => held.OpenBeneath("wp-content/plugins/x"));

        using (var made = held.OpenBeneath("wp-content/plugins/x", makeMissing: true))
        {
            File.WriteAllText(Path.Join(made.Path, "f"), "y");
        }

        Assert.Equal("y", File.ReadAllText(Path.Combine(site, "wp-content", "plugins", "x", "f")));
        Assert.Throws<IOException>(() => held.OpenBeneath("../elsewhere"));
    }

    [Fact]
    public void A_private_directory_is_made_0700_only_under_a_free_name_and_found_again_only_when_it_is_still_ours()
    {
        var site = Directory.CreateDirectory(Path.Combine(_root, "site")).FullName;
        using var held = HeldDirectory.Open(site);

        using (var staging = held.CreatePrivate(".staging"))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(site, ".staging")));
        }

        Assert.Contains("is there already", Assert.Throws<IOException>(() => held.CreatePrivate(".staging")).Message, StringComparison.Ordinal);
        using (var again = held.OpenPrivate(".staging"))
        {
            Assert.NotNull(again);
        }

        Assert.Null(held.OpenPrivate(".absent"));

        File.SetUnixFileMode(Path.Combine(site, ".staging"), (UnixFileMode)0x1FF);
        Assert.Contains("someone else put it there", Assert.Throws<IOException>(() => held.OpenPrivate(".staging")).Message, StringComparison.Ordinal);

        Directory.CreateSymbolicLink(Path.Combine(site, ".linked"), _root);
        Assert.Contains("is a link", Assert.Throws<IOException>(() => held.OpenPrivate(".linked")).Message, StringComparison.Ordinal);

        if (Environment.IsPrivilegedProcess)
        {
            // Made by the site's owner, not by the node: refused even though private.
            var owners = Directory.CreateDirectory(Path.Combine(site, ".owners"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
            FileOwnership.ChangeEntry(owners, new FileOwner(33, 33));
            Assert.Contains("uid 33", Assert.Throws<IOException>(() => held.OpenPrivate(".owners")).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_tree_is_removed_through_a_held_directory_without_following_the_links_in_it()
    {
        var site = Directory.CreateDirectory(Path.Combine(_root, "site")).FullName;
        var elsewhere = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        File.WriteAllText(Path.Combine(elsewhere, "keep.txt"), "not the restore's");
        var kept = Directory.CreateDirectory(Path.Combine(site, "wp-content.pre-restore-1", "uploads")).FullName;
        File.WriteAllText(Path.Combine(kept, "a.txt"), "a");
        Directory.CreateSymbolicLink(Path.Combine(kept, "link"), elsewhere);
        using var held = HeldDirectory.Open(site);

        await TreeRemoval.RemoveAsync(Path.Join(held.Path, "wp-content.pre-restore-1"), "the kept copy", CancellationToken.None);
        await TreeRemoval.RemoveAsync(Path.Join(held.Path, "not-there"), "nothing", CancellationToken.None);

        Assert.False(Directory.Exists(Path.Combine(site, "wp-content.pre-restore-1")));
        Assert.Equal("not the restore's", File.ReadAllText(Path.Combine(elsewhere, "keep.txt")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
