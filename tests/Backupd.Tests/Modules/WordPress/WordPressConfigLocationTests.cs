using Backupd.Modules.WordPress;

namespace Backupd.Tests.Modules.WordPress;

public sealed class WordPressConfigLocationTests : IDisposable
{
    private const string Config = """
        <?php
        define( 'DB_NAME', 'located' );
        define( 'DB_USER', 'u' );
        define( 'DB_PASSWORD', 'p' );
        define( 'DB_HOST', 'localhost' );
        """;

    private readonly DirectoryInfo _parent = Directory.CreateTempSubdirectory("backupd-wpconfig-");

    private string Root => Path.Combine(_parent.FullName, "public_html");

    public WordPressConfigLocationTests() => Directory.CreateDirectory(Root);

    public void Dispose() => _parent.Delete(recursive: true);

    [Fact]
    public async Task The_config_in_the_site_root_is_read_and_its_path_recorded()
    {
        await File.WriteAllTextAsync(Path.Combine(Root, "wp-config.php"), Config);
        await File.WriteAllTextAsync(Path.Combine(_parent.FullName, "wp-config.php"), Config.Replace("located", "parent", StringComparison.Ordinal));

        var config = await WordPressConfigReader.ReadAsync(Root, CancellationToken.None);

        Assert.Equal("located", config.DatabaseName);
        Assert.Equal(Path.Combine(Root, "wp-config.php"), config.ConfigPath);
    }

    [Fact]
    public async Task A_config_that_is_a_link_is_followed_only_to_a_file_of_the_directory_s_owner_or_where_only_root_writes()
    {
        Assert.True(Environment.IsPrivilegedProcess, "giving files away needs root: run the suite as root, as CI does");
        var owner = new Backupd.Bundles.FileOwner(33, 33);
        var shared = Path.Combine(_parent.FullName, "shared-config.php");
        await File.WriteAllTextAsync(shared, Config);
        var link = Path.Combine(Root, "wp-config.php");
        File.CreateSymbolicLink(link, shared);

        // Root's directory, which only root may write: root made the link, followed wherever it leads.
        Assert.Equal("located", (await WordPressConfigReader.ReadAsync(Root, CancellationToken.None)).DatabaseName);

        // The site's owner's directory and link: followed to the owner's own file (a deployment's shared config)...
        Backupd.Bundles.FileOwnership.ChangeEntry(Root, owner);
        Backupd.Bundles.FileOwnership.ChangeEntry(link, owner);
        Backupd.Bundles.FileOwnership.ChangeEntry(shared, owner);
        Assert.Equal("located", (await WordPressConfigReader.ReadAsync(Root, CancellationToken.None)).DatabaseName);

        // ...never to another user's (another site's config).
        Backupd.Bundles.FileOwnership.ChangeEntry(shared, new Backupd.Bundles.FileOwner(0, 0));
        var refused = await Assert.ThrowsAsync<WordPressSiteException>(() => WordPressConfigReader.ReadAsync(Root, CancellationToken.None));
        Assert.Contains("It is a link to a file of uid 0; backupd follows it only when the link and the file belong to the owner", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_config_one_directory_up_is_used_when_the_root_has_none()
    {
        var parentConfig = Path.Combine(_parent.FullName, "wp-config.php");
        await File.WriteAllTextAsync(parentConfig, Config);

        var config = await WordPressConfigReader.ReadAsync(Root + "/", CancellationToken.None);

        Assert.Equal("located", config.DatabaseName);
        Assert.Equal(parentConfig, config.ConfigPath);
    }

    [Fact]
    public async Task The_config_one_directory_up_is_not_used_when_that_directory_is_a_site_itself()
    {
        await File.WriteAllTextAsync(Path.Combine(_parent.FullName, "wp-config.php"), Config);
        await File.WriteAllTextAsync(Path.Combine(_parent.FullName, "wp-settings.php"), "<?php\n");

        var error = await Assert.ThrowsAsync<WordPressSiteException>(() => WordPressConfigReader.ReadAsync(Root, CancellationToken.None));

        Assert.Contains(Root, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_config_in_the_root_or_above_is_an_error_naming_both_places()
    {
        var error = await Assert.ThrowsAsync<WordPressSiteException>(() => WordPressConfigReader.ReadAsync(Root, CancellationToken.None));

        Assert.Contains($"in {Root} or in {_parent.FullName}", error.Message, StringComparison.Ordinal);
        Assert.Contains("wp-settings.php", error.Message, StringComparison.Ordinal);
    }
}
