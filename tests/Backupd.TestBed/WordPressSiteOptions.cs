namespace Backupd.TestBed;

/// <summary>How <see cref="WordPressSite.CreateAsync"/> sets a site up; every default gives a fresh, unique site.</summary>
public sealed record WordPressSiteOptions
{
    /// <summary>
    /// Names the site, its database (<c>wp_</c> + name) and database user (the name): letters,
    /// digits and underscores. Random when <see langword="null"/>.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>The prefix of every WordPress table, <c>$table_prefix</c> in wp-config.php.</summary>
    public string TablePrefix { get; init; } = "wp_";

    /// <summary>The site's address (options <c>siteurl</c> and <c>home</c>); <c>http://NAME.wordpress.test</c> when <see langword="null"/>.</summary>
    /// <remarks>Nothing serves the site; the address only has to look like one.</remarks>
    public string? SiteUrl { get; init; }

    /// <summary>The site's title.</summary>
    public string Title { get; init; } = "backupd test site";

    /// <summary>The database user's password, written to wp-config.php; random when <see langword="null"/>.</summary>
    public string? DatabasePassword { get; init; }

    /// <summary>Where the WordPress files are copied from; Debian's <c>wordpress</c> package puts them here.</summary>
    public string SourcePath { get; init; } = "/usr/share/wordpress";

    /// <summary>Makes the site a network (multisite) of subdirectories with a second site of its own (<see cref="WordPressSite.NetworkSite"/>).</summary>
    public bool Network { get; init; }
}
