using System.Security.Cryptography;
using Backupd.Modules.WordPress;
using Backupd.TestBed;
using Backupd.Tests.TestBed;

namespace Backupd.Tests.Modules.WordPress;

/// <summary>Reading the fixture site through its own wp-config.php, as the WordPress module does.</summary>
[Collection(WordPressCollection.Name)]
public sealed class WordPressSiteInfoReaderTests(WordPressFixture wordPress)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private WordPressSite Site => wordPress.Site;

    [Fact]
    public async Task The_real_wp_config_yields_the_sites_database_settings()
    {
        using var timeout = new CancellationTokenSource(Timeout);

        var config = await WordPressConfigReader.ReadAsync(Site.RootPath, timeout.Token);

        Assert.Equal(Site.DatabaseName, config.DatabaseName);
        Assert.Equal(Site.DatabaseUser, config.DatabaseUser);
        Assert.Equal(Site.DatabasePassword, config.DatabasePassword);
        Assert.Equal(Site.DatabaseHost, config.DatabaseHost);
        Assert.Equal(Site.TablePrefix, config.TablePrefix);
        Assert.Equal("utf8mb4", config.DatabaseCharset);
        Assert.Equal(new DatabaseEndpoint(MariaDbServer.Host, wordPress.Database.Port, null), config.Endpoint);
        Assert.Equal(Site.ConfigPath, config.ConfigPath);
    }

    [Fact]
    public async Task The_version_is_the_one_in_the_sites_version_php()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var versionPhp = await File.ReadAllTextAsync(Path.Combine(Site.RootPath, "wp-includes", "version.php"), timeout.Token);

        var version = await WordPressVersionReader.ReadAsync(Site.RootPath, timeout.Token);

        Assert.NotNull(version);
        Assert.Matches(@"^\d+\.\d+(\.\d+)?", version);
        Assert.Contains($"$wp_version = '{version}';", versionPhp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_siteurl_read_with_the_wp_config_settings_is_the_sites_address()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var config = await WordPressConfigReader.ReadAsync(Site.RootPath, timeout.Token);

        var siteUrl = await WordPressSiteInfoReader.ReadSiteUrlAsync(config.ToConnectionSettings(), config.TablePrefix, timeout.Token);

        Assert.Equal(Site.SiteUrl, siteUrl);
    }

    [Fact]
    public async Task The_siteurl_can_be_read_over_the_unix_socket()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var settings = new DatabaseConnectionSettings(
            new DatabaseEndpoint("localhost", null, wordPress.Database.SocketPath), Site.DatabaseName, Site.DatabaseUser, Site.DatabasePassword, "utf8mb4");

        var siteUrl = await WordPressSiteInfoReader.ReadSiteUrlAsync(settings, Site.TablePrefix, timeout.Token);

        Assert.Equal(Site.SiteUrl, siteUrl);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_the_same_message_as_a_dump_and_without_the_password()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var wrongPassword = "Wrong-" + RandomNumberGenerator.GetHexString(12);
        var config = await WordPressConfigReader.ReadAsync(Site.RootPath, timeout.Token);
        var settings = config.ToConnectionSettings() with { Password = wrongPassword };

        var error = await Assert.ThrowsAsync<DatabaseException>(() => WordPressSiteInfoReader.ReadSiteUrlAsync(settings, config.TablePrefix, timeout.Token));

        Assert.Equal(DatabaseFailure.AccessDenied, error.Failure);
        Assert.Contains($"user '{Site.DatabaseUser}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("DB_PASSWORD", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_table_prefix_is_reported_as_such()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var config = await WordPressConfigReader.ReadAsync(Site.RootPath, timeout.Token);

        var error = await Assert.ThrowsAsync<WordPressSiteException>(() => WordPressSiteInfoReader.ReadSiteUrlAsync(config.ToConnectionSettings(), "nope_", timeout.Token));

        Assert.Contains("nope_options", error.Message, StringComparison.Ordinal);
        Assert.Contains("$table_prefix", error.Message, StringComparison.Ordinal);
    }
}
