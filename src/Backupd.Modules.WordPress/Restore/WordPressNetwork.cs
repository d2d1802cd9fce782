using MySqlConnector;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>One site of a WordPress network (multisite), as its <c>blogs</c> table has it.</summary>
internal sealed record NetworkSite(long Id, string Domain, string Path);

/// <summary>
/// A WordPress network (multisite) as its tables describe it: whether its sites are subdomains or
/// subdirectories, the network's own domain and path, and each site's. A restore elsewhere moves
/// every site with the main one; a single site has no such tables and reads as null.
/// </summary>
internal sealed record WordPressNetwork(bool SubdomainInstall, string Domain, string Path, IReadOnlyList<NetworkSite> Sites)
{
    /// <summary>The tables, after the prefix, that make a set of tables a network's.</summary>
    public static readonly IReadOnlyList<string> Tables = ["blogs", "site", "sitemeta"];

    /// <summary>Where this network's sites go when its main site moves from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public NetworkMove Move(string from, string to) => new(this, new Uri(from), new Uri(to));

    /// <summary>The network whose tables start with <paramref name="prefix"/>; null when there is none (a single site).</summary>
    public static Task<WordPressNetwork?> ReadAsync(DatabaseConnectionSettings settings, string prefix, CancellationToken cancellationToken) =>
        SiteDatabase.RunAsync(settings, async connection =>
        {
            await using (var tables = new MySqlCommand(
                $"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ({string.Join(", ", Tables.Select((_, i) => $"@t{i}"))})", connection))
            {
                for (var i = 0; i < Tables.Count; i++)
                {
                    tables.Parameters.AddWithValue($"@t{i}", prefix + Tables[i]);
                }

                if (Convert.ToInt64(await tables.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) < Tables.Count)
                {
                    return null;
                }
            }

            var sites = new List<NetworkSite>();
            await using (var blogs = new MySqlCommand($"SELECT blog_id, domain, path FROM {SiteDatabase.Quote(prefix + "blogs")} ORDER BY blog_id", connection))
            await using (var reader = await blogs.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    sites.Add(new NetworkSite(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2)));
                }
            }

            var (domain, path) = (string.Empty, "/");
            await using (var network = new MySqlCommand($"SELECT domain, path FROM {SiteDatabase.Quote(prefix + "site")} ORDER BY id LIMIT 1", connection))
            await using (var reader = await network.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    (domain, path) = (reader.GetString(0), reader.GetString(1));
                }
            }

            // WordPress keeps the choice in the network's meta as "1" or "0" (wp-config.php says it again, and must agree).
            await using var subdomains = new MySqlCommand($"SELECT meta_value FROM {SiteDatabase.Quote(prefix + "sitemeta")} WHERE meta_key = 'subdomain_install' ORDER BY meta_id LIMIT 1", connection);
            var subdomain = await subdomains.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            return new WordPressNetwork(subdomain == "1", domain, path, sites);
        }, cancellationToken);
}

/// <summary>
/// Where a network's sites go when its main site moves from one URL to another: a site on the
/// main domain (or, in a subdomain network, on a subdomain of it) and under the main path moves
/// with it; a site on a domain of its own (domain mapping; in a network of subdirectories, a
/// subdomain too) keeps its domain, as nothing says where that domain should go.
/// </summary>
internal sealed class NetworkMove(WordPressNetwork network, Uri from, Uri to)
{
    private readonly string _fromDomain = DomainOf(from);
    private readonly string _toDomain = DomainOf(to);
    private readonly string _fromPath = DirectoryPath(from);
    private readonly string _toPath = DirectoryPath(to);

    /// <summary>The network whose sites move.</summary>
    public WordPressNetwork Network => network;

    /// <summary>The domain as wp_blogs and wp_site keep it (a port only when it is not the scheme's).</summary>
    public static string DomainOf(Uri url) => url.IsDefaultPort ? url.IdnHost : $"{url.IdnHost}:{url.Port}";

    /// <summary>A path as WordPress keeps a site's: starting and ending with a slash.</summary>
    public static string DirectoryPath(Uri url) => url.AbsolutePath.TrimEnd('/') + "/";

    /// <summary>Where a site's domain goes (a domain of its own stays).</summary>
    public string Domain(string domain) =>
        !Moves(domain) ? domain
        : domain.Length == _fromDomain.Length ? _toDomain
        : domain[..^_fromDomain.Length] + _toDomain;

    /// <summary>Where the path of a site that moves (<see cref="Moves"/>) goes.</summary>
    public string Path(string path) =>
        path.StartsWith(_fromPath, StringComparison.Ordinal) ? _toPath + path[_fromPath.Length..] : path;

    /// <summary>Whether a site (or the network itself) moves: it does when it is on the main domain or, in a subdomain network, a subdomain of it.</summary>
    public bool Moves(string domain) =>
        string.Equals(domain, _fromDomain, StringComparison.OrdinalIgnoreCase)
        || (network.SubdomainInstall && domain.EndsWith("." + _fromDomain, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Each moving site's old URL and its new one, for the search and replace of every table, but
    /// for the sites under the main URL, which its own pair covers (a network of a thousand
    /// subdirectories would otherwise ask for four thousand pairs at every byte).
    /// </summary>
    public IEnumerable<(string From, string To)> UrlPairs() =>
        network.Sites.Where(site => Moves(site.Domain) && !UnderMainUrl(site)).Select(site => (
            $"{from.Scheme}://{site.Domain}{site.Path}".TrimEnd('/'),
            $"{to.Scheme}://{Domain(site.Domain)}{Path(site.Path)}".TrimEnd('/')));

    private bool UnderMainUrl(NetworkSite site) =>
        string.Equals(site.Domain, _fromDomain, StringComparison.OrdinalIgnoreCase) && site.Path.StartsWith(_fromPath, StringComparison.Ordinal);
}
