using System.Text;
using System.Text.RegularExpressions;
using Backupd.TestBed;
using MySqlConnector;

namespace Backupd.Tests.TestBed;

[Collection(WordPressCollection.Name)]
public sealed partial class WordPressSiteTests(WordPressFixture wordPress)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private WordPressSite Site => wordPress.Site;

    [Fact]
    public async Task The_siteurl_option_in_the_database_is_the_site_url()
    {
        using var timeout = new CancellationTokenSource(Timeout);

        var siteUrl = await QueryAsync<string>(Site, $"SELECT option_value FROM {Site.TablePrefix}options WHERE option_name = 'siteurl'", timeout.Token);

        Assert.Equal(Site.SiteUrl, siteUrl);
    }

    [Fact]
    public async Task Wp_config_points_at_the_site_database_on_the_server_port()
    {
        using var timeout = new CancellationTokenSource(Timeout);

        var config = await File.ReadAllTextAsync(Site.ConfigPath, timeout.Token);

        Assert.Equal(Site.DatabaseName, Defined(config, "DB_NAME"));
        Assert.Equal(Site.DatabaseUser, Defined(config, "DB_USER"));
        Assert.Equal($"127.0.0.1:{wordPress.Database.Port}", Defined(config, "DB_HOST"));
        Assert.Equal(Site.DatabaseHost, Defined(config, "DB_HOST"));
        Assert.Contains($"$table_prefix = '{Site.TablePrefix}';", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_posts_page_users_and_attachments_are_in_the_database()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var posts = Site.TablePrefix + "posts";

        foreach (var id in Site.Content.PostIds)
        {
            Assert.Equal("post/publish", await QueryAsync<string>(Site, $"SELECT CONCAT(post_type, '/', post_status) FROM {posts} WHERE ID = {id}", ct));
        }

        Assert.Equal(3, Site.Content.PostIds.Count);
        Assert.Equal("page/publish", await QueryAsync<string>(Site, $"SELECT CONCAT(post_type, '/', post_status) FROM {posts} WHERE ID = {Site.Content.PageId}", ct));
        Assert.Equal("日本語の投稿", await QueryAsync<string>(Site, $"SELECT post_title FROM {posts} WHERE ID = {Site.Content.PostIds[2]}", ct));
        Assert.Equal(Site.Editor.Login, await QueryAsync<string>(Site, $"SELECT user_login FROM {Site.TablePrefix}users WHERE ID = {Site.Editor.Id}", ct));
        Assert.Equal("Élodie Éditrice", await QueryAsync<string>(Site, $"SELECT display_name FROM {Site.TablePrefix}users WHERE ID = {Site.Editor.Id}", ct));
        Assert.Equal(2L, await QueryAsync<long>(Site, $"SELECT COUNT(*) FROM {Site.TablePrefix}users", ct));
        Assert.Equal(2, Site.Content.Attachments.Count);
        foreach (var attachment in Site.Content.Attachments)
        {
            Assert.Equal(attachment.MimeType, await QueryAsync<string>(Site, $"SELECT post_mime_type FROM {posts} WHERE ID = {attachment.Id} AND post_type = 'attachment'", ct));
            Assert.Equal(attachment.File, await QueryAsync<string>(Site, $"SELECT meta_value FROM {Site.TablePrefix}postmeta WHERE post_id = {attachment.Id} AND meta_key = '_wp_attached_file'", ct));
        }
    }

    [Fact]
    public void The_uploads_with_an_image_and_a_non_ascii_name_are_on_disk_under_year_and_month()
    {
        var nonAscii = Assert.Single(Site.Content.Attachments, a => a.MimeType == "text/plain");
        var image = Assert.Single(Site.Content.Attachments, a => a.MimeType == "image/png");

        Assert.Matches(@"^\d{4}/\d{2}/Übersicht-café-日本\.txt$", nonAscii.File);
        Assert.True(nonAscii.File.IsNormalized(NormalizationForm.FormC));
        Assert.True(File.Exists(Site.PathOf(nonAscii)), Site.PathOf(nonAscii));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Site.PathOf(image)).Take(4));
    }

    [Fact]
    public void The_site_is_a_self_contained_copy_with_links_resolved()
    {
        // Debian links some of WordPress's bundled libraries to other packages' files.
        var linkedInDebian = new FileInfo(Path.Combine(Site.RootPath, "wp-includes", "js", "underscore.min.js"));

        Assert.True(linkedInDebian.Exists);
        Assert.Null(linkedInDebian.LinkTarget);
        Assert.True(File.Exists(Path.Combine(Site.RootPath, "wp-includes", "version.php")));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(Site.RootPath, "wp-content", "themes"), "style.css", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_further_site_with_a_custom_table_prefix_keeps_its_tables_under_that_prefix()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;

        var site = await wordPress.CreateSiteAsync(new WordPressSiteOptions { TablePrefix = "bk7_", SiteUrl = "https://blog.example.test" }, ct);

        Assert.NotEqual(Site.DatabaseName, site.DatabaseName);
        Assert.Equal("https://blog.example.test", await QueryAsync<string>(site, "SELECT option_value FROM bk7_options WHERE option_name = 'siteurl'", ct));
        Assert.Equal(0L, await QueryAsync<long>(site, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name NOT LIKE 'bk7\\_%'", ct));
    }

    private static string? Defined(string config, string constant) =>
        DefinePattern().Matches(config).FirstOrDefault(m => m.Groups["name"].Value == constant)?.Groups["value"].Value;

    private static async Task<T> QueryAsync<T>(WordPressSite site, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(site.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return Assert.IsType<T>(value);
    }

    [GeneratedRegex(@"define\(\s*'(?<name>[A-Z_]+)',\s*'(?<value>[^']*)'\s*\);")]
    private static partial Regex DefinePattern();
}
