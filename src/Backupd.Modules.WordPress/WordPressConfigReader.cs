using Backupd.Bundles;
using Backupd.Modules.WordPress.Php;
using Microsoft.Win32.SafeHandles;

namespace Backupd.Modules.WordPress;

/// <summary>
/// Reads the database settings from wp-config.php without running PHP: <c>define()</c> calls and
/// <c>$table_prefix</c> whose values are string literals. Defines in comments and strings are
/// ignored; a setting that only PHP could compute (such as <c>getenv('DB_HOST')</c>) is an error
/// that points at the job's <c>db</c> override.
/// </summary>
public static class WordPressConfigReader
{
    /// <summary>The file WordPress reads its settings from.</summary>
    public const string FileName = "wp-config.php";

    private const string Override = "give the job a `db` override with the database connection instead";

    /// <summary>
    /// Reads the wp-config.php of the site in <paramref name="wordPressRoot"/>, or the one a
    /// directory up, where WordPress also looks.
    /// </summary>
    /// <exception cref="WordPressSiteException">There is no wp-config.php, or it lacks a setting or sets one that is not a literal.</exception>
    public static async Task<WordPressConfig> ReadAsync(string wordPressRoot, CancellationToken cancellationToken)
    {
        var path = FindConfigPath(wordPressRoot);
        string source;
        try
        {
            using var stream = new FileStream(OpenConfig(path), FileAccess.Read, bufferSize: 0);
            using var reader = new StreamReader(stream);
            source = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WordPressSiteException($"{path} cannot be read: {e.Message} Run the node as a user who may read it, or {Override}.", path, e);
        }

        return Parse(source, path);
    }

    // A link at wp-config.php (a deployment's shared config) is followed only as HeldDirectory.MayFollow
    // allows: otherwise a site's owner could point it at another site's config, and a root node
    // would back up, or restore over, that site's database. Checked on the file opened, so a link
    // swapped meanwhile changes nothing; opened without waiting, so a FIFO there fails at once.
    private static SafeFileHandle OpenConfig(string path)
    {
        using var directory = HeldDirectory.Open(Path.GetDirectoryName(path)!);
        try
        {
            return directory.OpenFile(FileName);
        }
        catch (IOException) when (new FileInfo(path).LinkTarget is not null)
        {
            var file = directory.OpenFile(FileName, followLink: true);
            var target = FileOwnership.Of(file, path);
            if (!directory.MayFollow(FileName, target))
            {
                file.Dispose();
                throw new IOException($"It is a link to a file of uid {target.Uid}; backupd follows it only when the link and the file belong to the owner of {directory.Shown} (uid {directory.Owner.Uid}), or when only root may write there.");
            }

            return file;
        }
    }

    /// <summary>
    /// The wp-config.php WordPress would load for <paramref name="wordPressRoot"/>: the one in it,
    /// else the one in its parent unless the parent is itself a WordPress site (has wp-settings.php).
    /// </summary>
    /// <exception cref="WordPressSiteException">Neither place has one.</exception>
    public static string FindConfigPath(string wordPressRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(wordPressRoot);
        var root = Path.GetFullPath(wordPressRoot);
        var inRoot = Path.Combine(root, FileName);
        if (File.Exists(inRoot))
        {
            return inRoot;
        }

        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(root));
        if (parent is not null && File.Exists(Path.Combine(parent, FileName)) && !File.Exists(Path.Combine(parent, "wp-settings.php")))
        {
            return Path.Combine(parent, FileName);
        }

        var where = parent is null ? $"in {root}" : $"in {root} or in {parent}";
        throw new WordPressSiteException(
            $"There is no {FileName} {where}. Check that the job's site path is the WordPress directory (the one with wp-settings.php and wp-content), or {Override}.",
            root);
    }

    /// <summary>Reads the settings from the text of a wp-config.php.</summary>
    /// <param name="phpSource">The file's content.</param>
    /// <param name="configPath">Where it came from, for messages.</param>
    /// <exception cref="WordPressSiteException">A setting is missing or is not a literal.</exception>
    public static WordPressConfig Parse(string phpSource, string configPath = FileName)
    {
        ArgumentNullException.ThrowIfNull(phpSource);
        var assignments = PhpAssignments.Read(phpSource);
        var host = Required(assignments, "DB_HOST", configPath);
        DatabaseEndpoint endpoint;
        try
        {
            endpoint = DatabaseEndpoint.Parse(host);
        }
        catch (FormatException e)
        {
            throw new WordPressSiteException($"DB_HOST in {configPath} cannot be read: {e.Message} Correct it, or {Override}.", configPath, e);
        }

        var charset = Optional(assignments.Constant("DB_CHARSET"), "DB_CHARSET", configPath);
        var tablePrefix = Optional(assignments.Variable("table_prefix"), "$table_prefix", configPath);
        return new WordPressConfig(
            Required(assignments, "DB_NAME", configPath),
            Required(assignments, "DB_USER", configPath),
            Required(assignments, "DB_PASSWORD", configPath),
            host,
            string.IsNullOrEmpty(charset) ? WordPressConfig.DefaultCharset : charset,
            tablePrefix ?? WordPressConfig.DefaultTablePrefix,
            endpoint)
        {
            ConfigPath = configPath,
        };
    }

    private static string Required(PhpAssignments assignments, string constant, string configPath) =>
        Optional(assignments.Constant(constant), constant, configPath)
        ?? throw new WordPressSiteException(
            $"{constant} is not defined in {configPath}: backupd looks for define( '{constant}', '…' );. Add it, or {Override}.",
            configPath);

    private static string? Optional(PhpExpression? expression, string setting, string configPath)
    {
        if (expression is null or { IsLiteral: true })
        {
            return expression?.Value;
        }

        // An expression can hold the password itself, e.g. base64_decode('…'); only show the others.
        var shown = setting == "DB_PASSWORD" ? string.Empty : $" but `{Shorten(expression.SourceText)}`";
        throw new WordPressSiteException(
            $"{setting} in {configPath} is not a literal string{shown}; backupd reads wp-config.php without running PHP, so it cannot know the value. Write the value as a quoted string, or {Override}.",
            configPath);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
