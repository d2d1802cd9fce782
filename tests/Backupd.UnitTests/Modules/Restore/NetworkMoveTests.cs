using Backupd.Modules.WordPress.Restore;

namespace Backupd.Tests.Modules.Restore;

/// <summary>
/// Where a WordPress network's sites go when its main site moves: subdirectory and subdomain
/// sites follow the main domain and path, a site on a domain of its own stays, and the URLs the
/// search and replace looks for are every moving site's.
/// </summary>
public sealed class NetworkMoveTests
{
    // A subdomain network: its main site, a subdomain site and one on a mapped domain.
    private static readonly WordPressNetwork Subdomains =
        new(true, "old.test", "/", [new(1, "old.test", "/"), new(2, "shop.old.test", "/"), new(3, "mapped-shop.example", "/")]);

    private static readonly NetworkMove Move = Subdomains.Move("http://old.test", "https://copy.example:8443/net/");

    [Theory]
    [InlineData("old.test", "copy.example:8443")]
    [InlineData("OLD.test", "copy.example:8443")]
    [InlineData("shop.old.test", "shop.copy.example:8443")]
    [InlineData("mapped-shop.example", "mapped-shop.example")]
    [InlineData("notold.test", "notold.test")]
    public void A_domain_on_the_main_one_moves_with_it_and_any_other_stays(string domain, string expected)
    {
        Assert.Equal(expected, Move.Domain(domain));
        Assert.Equal(expected != domain, Move.Moves(domain));
    }

    [Fact]
    public void A_move_to_another_path_on_the_same_domain_moves_every_site_under_it()
    {
        var network = new WordPressNetwork(false, "old.test", "/", [new(1, "old.test", "/"), new(2, "old.test", "/second/")]);
        var move = network.Move("https://old.test/", "https://old.test/staging");
        Assert.True(move.Moves("old.test"));
        Assert.Equal("/staging/second/", move.Path("/second/"));
        // The main URL's pair covers both sites' URLs.
        Assert.Empty(move.UrlPairs());
        Assert.Equal("https://old.test/staging/second/x", SerializedReplacer.ForUrls("https://old.test/", "https://old.test/staging").Replace("https://old.test/second/x"));
    }

    [Theory]
    [InlineData("/", "/net/")]
    [InlineData("/second/", "/net/second/")]
    public void A_path_under_the_main_one_moves_under_the_new_one(string path, string expected) => Assert.Equal(expected, Move.Path(path));

    [Fact]
    public void In_a_network_of_subdirectories_a_subdomain_is_a_domain_of_its_own_and_stays()
    {
        var move = Subdirectories().Move("https://old.test/", "https://new.test/");
        Assert.False(move.Moves("shop.old.test"));
        Assert.Equal("shop.old.test", move.Domain("shop.old.test"));
        Assert.True(move.Moves("old.test"));
    }

    [Fact]
    public void A_path_outside_the_main_one_stays()
    {
        var move = Subdirectories().Move("https://old.test/blog/", "https://new.test/");
        Assert.Equal("/other/", move.Path("/other/"));
        Assert.Equal("/second/", move.Path("/blog/second/"));
    }

    [Fact]
    public void The_urls_searched_for_beside_the_main_one_are_each_moving_subdomain_sites_old_and_new_one()
    {
        Assert.Equal(
            [("http://shop.old.test", "https://shop.copy.example:8443/net")],
            Move.UrlPairs());
    }

    [Fact]
    public void A_subdomain_sites_url_in_a_value_moves_with_its_own_subdomain()
    {
        var replacer = SerializedReplacer.ForUrls(Move.UrlPairs().Prepend(("http://old.test", "https://copy.example:8443/net/")));
        Assert.Equal(
            """a:2:{s:4:"main";s:31:"https://copy.example:8443/net/a";s:4:"shop";s:36:"https://shop.copy.example:8443/net/b";}""",
            replacer.Replace("""a:2:{s:4:"main";s:17:"http://old.test/a";s:4:"shop";s:22:"http://shop.old.test/b";}"""));
    }

    [Theory]
    [InlineData("https://example.com/", "example.com", "/")]
    [InlineData("http://example.com:8080/blog", "example.com:8080", "/blog/")]
    public void Domain_and_path_are_as_wordpress_keeps_them(string url, string domain, string path)
    {
        Assert.Equal(domain, NetworkMove.DomainOf(new Uri(url)));
        Assert.Equal(path, NetworkMove.DirectoryPath(new Uri(url)));
    }

    private static WordPressNetwork Subdirectories() => new(false, "old.test", "/", [new(1, "old.test", "/")]);
}
