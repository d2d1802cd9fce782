using System.Diagnostics;
using Backupd.Bundles;
using Backupd.Modules.WordPress.Restore;

namespace Backupd.Tests.Modules.Restore;

/// <summary>
/// A test-restore's copy of WordPress's own files: the node's, in a directory the site's owner can
/// enter, so it copies links as links, drops set-user-ID bits, and refuses what is not a file
/// rather than waiting on it.
/// </summary>
public sealed class ScratchCopyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("backupd-scratch-").FullName;

    [Fact]
    public void WordPress_files_are_copied_without_the_site_s_content_config_or_hidden_files_links_as_links_and_no_set_user_id_bit()
    {
        var site = MakeSite();
        File.WriteAllText(Path.Combine(site, "wp-admin", "tool"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(site, "wp-admin", "tool"), (UnixFileMode)0xDED); // 06755
        Directory.CreateSymbolicLink(Path.Combine(site, "wp-admin", "elsewhere"), "/etc");
        var scratch = Directory.CreateDirectory(Path.Combine(_root, "scratch")).FullName;
        using var held = HeldDirectory.Open(site);

        var owner = Environment.IsPrivilegedProcess ? new FileOwner(33, 33) : (FileOwner?)null;

        var copied = ScratchCopy.CopyWordPress(held, scratch, owner);

        Assert.Equal(4, copied);
        if (owner is { } given)
        {
            // The files are the site owner's (PHP runs as them); the directories stay the node's.
            Assert.Equal(given, FileOwnership.Of(Path.Combine(scratch, "wp-admin", "index.php")));
            Assert.Equal(0, FileOwnership.Of(Path.Combine(scratch, "wp-admin")).Uid);
        }

        Assert.Equal("<?php // load", File.ReadAllText(Path.Combine(scratch, "wp-load.php")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(scratch, "wp-admin", "tool")));
        Assert.Equal("/etc", new FileInfo(Path.Combine(scratch, "wp-admin", "elsewhere")).LinkTarget);
        Assert.False(Directory.Exists(Path.Combine(scratch, "wp-content")));
        Assert.False(File.Exists(Path.Combine(scratch, "wp-config.php")));
        Assert.False(File.Exists(Path.Combine(scratch, ".htaccess")));
    }

    [Fact]
    public async Task A_fifo_among_the_files_fails_the_copy_at_once_instead_of_waiting_for_a_writer()
    {
        var site = MakeSite();
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(site, "wp-admin", "pipe.php")))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var scratch = Directory.CreateDirectory(Path.Combine(_root, "scratch")).FullName;
        using var held = HeldDirectory.Open(site);

        // Bounded: a copy that opened the FIFO would wait for a writer for ever.
        var refused = await Assert.ThrowsAsync<IOException>(() => Task.Run(() => ScratchCopy.CopyWordPress(held, scratch, owner: null)).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("pipe.php' is not a regular file", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string MakeSite()
    {
        var site = Directory.CreateDirectory(Path.Combine(_root, "site")).FullName;
        File.WriteAllText(Path.Combine(site, "wp-load.php"), "<?php // load");
        File.WriteAllText(Path.Combine(site, "wp-config.php"), "<?php // secrets");
        File.WriteAllText(Path.Combine(site, ".htaccess"), "hidden");
        Directory.CreateDirectory(Path.Combine(site, "wp-content", "plugins"));
        Directory.CreateDirectory(Path.Combine(site, "wp-admin"));
        File.WriteAllText(Path.Combine(site, "wp-admin", "index.php"), "<?php // admin");
        return site;
    }
}
