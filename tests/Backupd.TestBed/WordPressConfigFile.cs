using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Backupd.TestBed;

/// <summary>Writes an ordinary wp-config.php, laid out like WordPress's own wp-config-sample.php.</summary>
internal static class WordPressConfigFile
{
    private const string SaltCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~ ";

    private static readonly string[] Salts =
        ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"];

    public static string Render(string databaseName, string databaseUser, string databasePassword, string databaseHost, string tablePrefix, (string Domain, string Path)? network = null)
    {
        var config = new StringBuilder();
        config.Append("""
            <?php
            /**
             * The base configuration for WordPress
             *
             * @package WordPress
             */

            // ** Database settings - You can get this info from your web host ** //

            """);
        Define(config, "DB_NAME", databaseName);
        Define(config, "DB_USER", databaseUser);
        Define(config, "DB_PASSWORD", databasePassword);
        Define(config, "DB_HOST", databaseHost);
        Define(config, "DB_CHARSET", "utf8mb4");
        Define(config, "DB_COLLATE", string.Empty);
        config.Append("""

            /**#@+
             * Authentication unique keys and salts.
             */

            """);
        foreach (var salt in Salts)
        {
            Define(config, salt, RandomNumberGenerator.GetString(SaltCharacters, 64));
        }

        config.Append(CultureInfo.InvariantCulture, $$"""
            /**#@-*/

            /**
             * WordPress database table prefix.
             */
            $table_prefix = {{Quote(tablePrefix)}};

            define( 'WP_DEBUG', false );

            /* Test sites have no network: no update checks, no calls to wordpress.org. */
            define( 'AUTOMATIC_UPDATER_DISABLED', true );
            define( 'WP_HTTP_BLOCK_EXTERNAL', true );

            """);
        if (network is var (domain, path))
        {
            config.Append("define( 'MULTISITE', true );\ndefine( 'SUBDOMAIN_INSTALL', false );\n");
            Define(config, "DOMAIN_CURRENT_SITE", domain);
            Define(config, "PATH_CURRENT_SITE", path);
            config.Append("define( 'SITE_ID_CURRENT_SITE', 1 );\ndefine( 'BLOG_ID_CURRENT_SITE', 1 );\n\n");
        }

        config.Append("""
            /* That's all, stop editing! Happy publishing. */

            /** Absolute path to the WordPress directory. */
            if ( ! defined( 'ABSPATH' ) ) {
            	define( 'ABSPATH', __DIR__ . '/' );
            }

            /** Sets up WordPress vars and included files. */
            require_once ABSPATH . 'wp-settings.php';

            """);
        return config.ToString();
    }

    private static void Define(StringBuilder config, string name, string value) =>
        config.Append(CultureInfo.InvariantCulture, $"define( '{name}', {Quote(value)} );\n");

    // In a single-quoted PHP string only \ and ' are special.
    private static string Quote(string value) =>
        $"'{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";
}
