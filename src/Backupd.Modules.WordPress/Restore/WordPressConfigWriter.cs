using System.Security.Cryptography;
using System.Text;
using Backupd.Bundles;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// Writes the wp-config.php of a site restored to a new place: its database, its table prefix,
/// fresh keys and salts (a copy must not share the original's cookies), and for a network
/// (multisite) the constants that make it one, at its new domain and path. The live one of a
/// restore in place is never written: it holds the live credentials.
/// </summary>
internal static class WordPressConfigWriter
{
    private static readonly string[] Keys = ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"];

    // Printable ASCII without the quote and backslash, as WordPress's own generator uses.
    private const string SaltCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_ []{}<>~`+=,.;:/?|";

    /// <summary>
    /// Writes <paramref name="path"/> anew (0640, given to <paramref name="owner"/> when one is given; failing when anything is
    /// at the path); <paramref name="network"/> is the network the restored tables hold after the rewrite, null for a single site.
    /// </summary>
    public static async Task WriteAsync(
        string path, DatabaseConnectionSettings database, string tablePrefix, WordPressNetwork? network, string restoredFrom, FileOwner? owner, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.Append("<?php\n");
        text.Append("// Written by backupd when it restored ").Append(restoredFrom.Replace("\n", " ", StringComparison.Ordinal)).Append(" here.\n");
        Define(text, "DB_NAME", database.Database);
        Define(text, "DB_USER", database.User);
        Define(text, "DB_PASSWORD", database.Password);
        Define(text, "DB_HOST", HostOf(database.Endpoint));
        Define(text, "DB_CHARSET", "utf8mb4");
        Define(text, "DB_COLLATE", string.Empty);
        foreach (var key in Keys)
        {
            Define(text, key, RandomNumberGenerator.GetString(SaltCharacters, 64));
        }

        text.Append("$table_prefix = '").Append(Escape(tablePrefix)).Append("';\n");
        Define(text, "WP_DEBUG", null);
        if (network is not null)
        {
            // Without these WordPress would load the network's main site alone, as a single site.
            text.Append("define( 'MULTISITE', true );\n");
            text.Append("define( 'SUBDOMAIN_INSTALL', ").Append(network.SubdomainInstall ? "true" : "false").Append(" );\n");
            Define(text, "DOMAIN_CURRENT_SITE", network.Domain);
            Define(text, "PATH_CURRENT_SITE", network.Path);
        }

        text.Append("if ( ! defined( 'ABSPATH' ) ) {\n\tdefine( 'ABSPATH', __DIR__ . '/' );\n}\n");
        text.Append("require_once ABSPATH . 'wp-settings.php';\n");

        // Made anew (O_EXCL): never written through a link, nor over a file, someone put at the path.
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
        };
        await using var file = new FileStream(path, options);
        if (owner is { } given)
        {
            FileOwnership.Change(file.SafeFileHandle, path, given);
        }

        await file.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken).ConfigureAwait(false);
    }

    private static void Define(StringBuilder text, string name, string? value) =>
        text.Append("define( '").Append(name).Append("', ").Append(value is null ? "false" : $"'{Escape(value)}'").Append(" );\n");

    // Inside single quotes PHP undoes only \\ and \'.
    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);

    private static string HostOf(DatabaseEndpoint endpoint) =>
        endpoint.Socket is { } socket ? $"localhost:{socket}" : endpoint.Port is { } port ? $"{endpoint.Host}:{port}" : endpoint.Host;
}
