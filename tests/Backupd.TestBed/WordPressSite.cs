using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Backupd.TestBed;

/// <summary>
/// A real WordPress site in a fresh temporary directory: Debian's WordPress files copied with
/// links resolved, an ordinary wp-config.php, its own database and user on a
/// <see cref="MariaDbServer"/>, installed with php-cli, and some content: posts, a page, an
/// editor and media library files (a PNG image and a text file with a non-ASCII name).
/// Nothing serves it over HTTP.
/// </summary>
/// <example>
/// <c>await using var site = await WordPressSite.CreateAsync(mariaDb, new() { TablePrefix = "blog_" }, cancellationToken);</c>
/// or, once per test collection, <see cref="WordPressFixture"/>.
/// </example>
public sealed partial class WordPressSite : IAsyncDisposable
{
    /// <summary>The name of the non-ASCII file in the media library, in Unicode normalisation form C.</summary>
    public const string NonAsciiUploadName = "Übersicht-café-日本.txt";

    /// <summary>The name of the PNG image in the media library.</summary>
    public const string ImageUploadName = "pixels.png";

    private const string PhpInstallHint = "apt-get install php-cli php-mysql";
    private const string FallbackTheme = "backupd-test";
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(2);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly MariaDbServer _database;
    private bool _disposed;

    private WordPressSite(MariaDbServer database, string name, string rootPath, string siteUrl, string tablePrefix, string databasePassword)
    {
        _database = database;
        Name = name;
        RootPath = rootPath;
        SiteUrl = siteUrl;
        TablePrefix = tablePrefix;
        DatabasePassword = databasePassword;
    }

    /// <summary>The site's name, from which its database and user names derive.</summary>
    public string Name { get; }

    /// <summary>The WordPress directory: wp-config.php, wp-admin, wp-content and so on.</summary>
    public string RootPath { get; }

    /// <summary>The site's address, as in the <c>siteurl</c> and <c>home</c> options.</summary>
    public string SiteUrl { get; }

    /// <summary>The prefix of the site's tables, such as <c>wp_</c>.</summary>
    public string TablePrefix { get; }

    /// <summary>The database name, <c>DB_NAME</c>.</summary>
    public string DatabaseName => $"wp_{Name}";

    /// <summary>The database user, <c>DB_USER</c>.</summary>
    public string DatabaseUser => Name;

    /// <summary>The database user's password, <c>DB_PASSWORD</c>.</summary>
    public string DatabasePassword { get; }

    /// <summary>The database host and port, <c>DB_HOST</c>: <c>127.0.0.1:PORT</c>.</summary>
    public string DatabaseHost => string.Create(CultureInfo.InvariantCulture, $"{MariaDbServer.Host}:{_database.Port}");

    /// <summary>A connection string for the site's own database user over TCP.</summary>
    public string ConnectionString => _database.ConnectionStringFor(DatabaseName, DatabaseUser, DatabasePassword);

    /// <summary>wp-config.php.</summary>
    public string ConfigPath => Path.Combine(RootPath, "wp-config.php");

    /// <summary>wp-content/uploads, where the media library keeps its files.</summary>
    public string UploadsPath => Path.Combine(RootPath, "wp-content", "uploads");

    /// <summary>The administrator made by the installation.</summary>
    public WordPressUser Administrator { get; private set; } = null!;

    /// <summary>A second user, an editor with a non-ASCII display name.</summary>
    public WordPressUser Editor { get; private set; } = null!;

    /// <summary>The posts, page and attachments added after installation.</summary>
    public WordPressContent Content { get; private set; } = null!;

    /// <summary>The network's second site, when the site was made a network (<see cref="WordPressSiteOptions.Network"/>); otherwise null.</summary>
    public WordPressNetworkSite? NetworkSite { get; private set; }

    /// <summary>
    /// Copies WordPress into a new directory, creates its database and user on
    /// <paramref name="database"/>, installs it and adds content.
    /// </summary>
    /// <exception cref="MissingProgramException">PHP or WordPress is not installed.</exception>
    /// <exception cref="TestBedException">The installation failed; the message has PHP's output.</exception>
    public static async Task<WordPressSite> CreateAsync(MariaDbServer database, WordPressSiteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        options ??= new WordPressSiteOptions();
        var name = options.Name ?? $"site{RandomNumberGenerator.GetHexString(8, lowercase: true)}";
        if (!IdentifierPattern().IsMatch(name))
        {
            throw new ArgumentException($"A site name is letters, digits and underscores: '{name}'.", nameof(options));
        }

        // WordPress itself refuses any other prefix.
        if (!IdentifierPattern().IsMatch(options.TablePrefix))
        {
            throw new ArgumentException($"A table prefix is letters, digits and underscores: '{options.TablePrefix}'.", nameof(options));
        }

        var php = RequiredProgram.Find("php", PhpInstallHint);
        if (!File.Exists(Path.Combine(options.SourcePath, "wp-load.php")))
        {
            throw new MissingProgramException(
                "wordpress",
                $"WordPress is not installed: {options.SourcePath}/wp-load.php is missing. Install it with `apt-get install wordpress`; {RequiredProgram.InstallEverything}.");
        }

        var rootPath = Directory.CreateTempSubdirectory("backupd-wordpress-").FullName;
        var site = new WordPressSite(
            database,
            name,
            rootPath,
            options.SiteUrl ?? $"http://{name}.wordpress.test",
            options.TablePrefix,
            options.DatabasePassword ?? RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 24));
        try
        {
            var theme = site.CopyFiles(options.SourcePath, cancellationToken);
            await database.CreateDatabaseAsync(site.DatabaseName, site.DatabaseUser, site.DatabasePassword, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(
                site.ConfigPath,
                WordPressConfigFile.Render(site.DatabaseName, site.DatabaseUser, site.DatabasePassword, site.DatabaseHost, site.TablePrefix),
                cancellationToken).ConfigureAwait(false);
            await site.InstallAsync(php, options.Title, theme, cancellationToken).ConfigureAwait(false);
            if (options.Network)
            {
                await site.MakeNetworkAsync(php, cancellationToken).ConfigureAwait(false);
            }

            await site.GiveToWebServerAsync(cancellationToken).ConfigureAwait(false);
            return site;
        }
        catch
        {
            await site.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The full path of an attachment's file.</summary>
    public string PathOf(WordPressAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        return Path.Combine(UploadsPath, attachment.File);
    }

    /// <summary>Drops the site's database and user (if the server still runs) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_database.IsRunning)
            {
                await _database.DropDatabaseAsync(DatabaseName, DatabaseUser).ConfigureAwait(false);
            }
        }
        finally
        {
            if (Directory.Exists(RootPath))
            {
                Directory.Delete(RootPath, recursive: true);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex IdentifierPattern();

    /// <summary>Copies the WordPress files and makes sure wp-content has a theme; returns the theme to use.</summary>
    private string CopyFiles(string sourcePath, CancellationToken cancellationToken)
    {
        DereferencedCopy.Copy(sourcePath, RootPath, cancellationToken);
        var content = Path.Combine(RootPath, "wp-content");
        foreach (var directory in new[] { "themes", "plugins", "uploads" })
        {
            Directory.CreateDirectory(Path.Combine(content, directory));
        }

        var themes = Path.Combine(content, "themes");
        var existing = Directory.EnumerateDirectories(themes).Order(StringComparer.Ordinal).FirstOrDefault(d => File.Exists(Path.Combine(d, "style.css")));
        if (existing is not null)
        {
            return Path.GetFileName(existing);
        }

        // Debian ships the bundled themes as separate packages (wordpress-theme-twentytwentythree);
        // without one, the smallest theme WordPress accepts stands in.
        var fallback = Directory.CreateDirectory(Path.Combine(themes, FallbackTheme)).FullName;
        File.WriteAllText(Path.Combine(fallback, "style.css"), "/*\nTheme Name: backupd test\nDescription: Stands in for the default theme on test sites.\nVersion: 1.0\n*/\n");
        File.WriteAllText(Path.Combine(fallback, "index.php"), "<?php\nwhile ( have_posts() ) {\n\tthe_post();\n\tthe_title( '<h1>', '</h1>' );\n\tthe_content();\n}\n");
        return FallbackTheme;
    }

    // As a WordPress host has it (and as backupd's check then runs PHP, never as root): the site
    // belongs to the web server's account, its root open for that account to enter. Run as root
    // only; otherwise the site is the test user's already.
    private async Task GiveToWebServerAsync(CancellationToken cancellationToken)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return;
        }

        (await ProcessRunner.RunAsync("chown", ["-R", "www-data:www-data", RootPath], InstallTimeout, cancellationToken: cancellationToken).ConfigureAwait(false))
            .EnsureSuccess("giving the site to www-data");
        File.SetUnixFileMode(RootPath, (UnixFileMode)0x1ED);
    }

    private async Task InstallAsync(string php, string title, string theme, CancellationToken cancellationToken)
    {
        // The installer and its inputs stay out of the site, which later tests back up and compare.
        var work = Directory.CreateTempSubdirectory("backupd-wordpress-install-").FullName;
        try
        {
            var image = Path.Combine(work, "image.png");
            var text = Path.Combine(work, "text.txt");
            await File.WriteAllBytesAsync(image, TestImage.Png(64, 48), cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(text, "Übersicht — café — 日本\n", cancellationToken).ConfigureAwait(false);

            var host = new Uri(SiteUrl).Host;
            var administrator = new { Login = "admin", Password = NewPassword(), Email = $"admin@{host}" };
            var editor = new { Login = "editor", Password = NewPassword(), Email = $"editor@{host}", DisplayName = "Élodie Éditrice" };
            var parameters = new
            {
                Root = RootPath,
                SiteUrl,
                Title = title,
                Theme = theme,
                Admin = administrator,
                Editor = editor,
                Posts = new[]
                {
                    new { Title = "First backup test post", Content = "<p>Plain ASCII content.</p>" },
                    new { Title = "Zweiter Beitrag: Grüße aus Köln", Content = "<p>Umlaute, ß und „Anführungszeichen“.</p>" },
                    new { Title = "日本語の投稿", Content = "<p>これはテストです。</p>" },
                },
                Page = new { Title = "About this site", Content = "<p>A page, not a post.</p>" },
                Uploads = new[]
                {
                    new { Source = image, Name = ImageUploadName, Title = "Pixels", MimeType = "image/png" },
                    new { Source = text, Name = NonAsciiUploadName.Normalize(NormalizationForm.FormC), Title = "Übersicht", MimeType = "text/plain" },
                },
            };
            var result = await RunScriptAsync(php, work, WordPressInstaller.Script, parameters, $"installing WordPress in {RootPath}", cancellationToken).ConfigureAwait(false);
            var installed = JsonSerializer.Deserialize<InstallResult>(result, Json)
                ?? throw new TestBedException($"The WordPress installer wrote an empty result for {RootPath}.");
            Administrator = new WordPressUser(installed.AdminId, administrator.Login, administrator.Password, administrator.Email, "administrator");
            Editor = new WordPressUser(installed.EditorId, editor.Login, editor.Password, editor.Email, "editor");
            Content = new WordPressContent(installed.PostIds, installed.PageId, installed.Attachments);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // As the Network Setup screen would: the network's tables, then wp-config.php saying MULTISITE,
    // then a second site in a subdirectory with a post, an upload and an option of its own.
    private async Task MakeNetworkAsync(string php, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("backupd-wordpress-network-").FullName;
        try
        {
            var url = new Uri(SiteUrl);
            await RunScriptAsync(php, work, WordPressNetworkInstaller.Network, new { Root = RootPath, SiteUrl, Administrator.Email }, $"making {RootPath} a network", cancellationToken).ConfigureAwait(false);
            var domain = url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
            await File.WriteAllTextAsync(
                ConfigPath,
                WordPressConfigFile.Render(DatabaseName, DatabaseUser, DatabasePassword, DatabaseHost, TablePrefix, (domain, url.AbsolutePath.TrimEnd('/') + "/")),
                cancellationToken).ConfigureAwait(false);
            var second = await RunScriptAsync(
                php, work, WordPressNetworkInstaller.SecondSite, new { Root = RootPath, SiteUrl, AdminId = Administrator.Id, Slug = "second" }, $"adding a site to the network in {RootPath}", cancellationToken).ConfigureAwait(false);
            NetworkSite = JsonSerializer.Deserialize<WordPressNetworkSite>(second, Json) ?? throw new TestBedException($"Adding a site to the network in {RootPath} wrote an empty result.");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // Runs one of the test bed's PHP scripts with its parameters as JSON, plus "result": the file it
    // writes what it made to, whose text this returns (a script that stops early writes none).
    private async Task<string> RunScriptAsync(string php, string work, string code, object parameters, string what, CancellationToken cancellationToken)
    {
        var result = Path.Combine(work, "result.json");
        File.Delete(result);
        var json = JsonSerializer.SerializeToNode(parameters, Json)!.AsObject();
        json["result"] = result;
        var parametersPath = Path.Combine(work, "parameters.json");
        await File.WriteAllTextAsync(parametersPath, json.ToJsonString(Json), cancellationToken).ConfigureAwait(false);
        var script = Path.Combine(work, "script.php");
        await File.WriteAllTextAsync(script, code, cancellationToken).ConfigureAwait(false);

        string[] arguments = ["-d", "display_errors=stderr", "-d", "error_reporting=E_ALL", "-d", "memory_limit=512M", script, parametersPath];
        var run = await ProcessRunner.RunAsync(php, arguments, InstallTimeout, new ProcessOptions { WorkingDirectory = RootPath }, cancellationToken).ConfigureAwait(false);
        run.EnsureSuccess(what);
        if (!File.Exists(result))
        {
            // wp_die() ends PHP with exit code 0 and its message on stdout.
            throw new TestBedException($"{what} stopped early.\nstdout:\n{run.StandardOutput}\nstderr:\n{run.StandardError}");
        }

        return await File.ReadAllTextAsync(result, cancellationToken).ConfigureAwait(false);
    }

    private static string NewPassword() => RandomNumberGenerator.GetHexString(20, lowercase: true);

    private sealed record InstallResult(long AdminId, long EditorId, long[] PostIds, long PageId, WordPressAttachment[] Attachments);
}
