using Xunit;

namespace Backupd.TestBed;

/// <summary>
/// One <see cref="MariaDbServer"/> and one ready <see cref="WordPressSite"/> on it, shared by a
/// test collection; tests may add more sites to the same server with <see cref="CreateSiteAsync"/>.
/// </summary>
/// <example>
/// <c>[CollectionDefinition("wordpress")] public sealed class WordPressCollection : ICollectionFixture&lt;WordPressFixture&gt;;</c>
/// then <c>[Collection("wordpress")] public sealed class MyTests(WordPressFixture wordPress) { … wordPress.Site.RootPath … }</c>
/// </example>
public sealed class WordPressFixture : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly List<WordPressSite> _sites = [];
    private readonly Lock _sitesLock = new();

    /// <summary>The server holding every site's database.</summary>
    public MariaDbServer Database { get; } = new();

    /// <summary>The site made at start, with the default <see cref="WordPressSiteOptions"/>.</summary>
    public WordPressSite Site { get; private set; } = null!;

    /// <summary>Starts the database server and makes <see cref="Site"/>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Database.StartAsync(cancellationToken).ConfigureAwait(false);
            Site = await CreateSiteAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Makes another site on <see cref="Database"/>; it goes away with this fixture.</summary>
    public async Task<WordPressSite> CreateSiteAsync(WordPressSiteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var site = await WordPressSite.CreateAsync(Database, options, cancellationToken).ConfigureAwait(false);
        lock (_sitesLock)
        {
            _sites.Add(site);
        }

        return site;
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await StartAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Deletes every site, then stops the database server.</summary>
    public async Task DisposeAsync()
    {
        WordPressSite[] sites;
        lock (_sitesLock)
        {
            sites = [.. _sites];
            _sites.Clear();
        }

        var failures = new List<Exception>();
        foreach (var site in sites)
        {
            try
            {
                await site.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or MySqlConnector.MySqlException)
            {
                // The other sites and the server still have to go.
                failures.Add(e);
            }
        }

        await Database.DisposeAsync().ConfigureAwait(false);
        if (failures.Count > 0)
        {
            throw new AggregateException("Some WordPress test sites could not be removed.", failures);
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());
}
