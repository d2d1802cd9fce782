using Backupd.Modules.WordPress;

namespace Backupd.Tests.Modules.WordPress;

public sealed class WordPressConfigReaderTests
{
    private const string Sample = """
        <?php
        /**
         * The base configuration for WordPress
         */

        // ** Database settings - You can get this info from your web host ** //
        /** The name of the database for WordPress */
        define( 'DB_NAME', 'shop_wp' );

        /** Database username */
        define( 'DB_USER', 'shop' );

        /** Database password */
        define( 'DB_PASSWORD', 's3cret-Pa55' );

        /** Database hostname */
        define( 'DB_HOST', 'db.internal:3307' );

        /** Database charset to use in creating database tables. */
        define( 'DB_CHARSET', 'utf8' );

        /** The database collate type. Don't change this if in doubt. */
        define( 'DB_COLLATE', '' );

        define( 'AUTH_KEY', 'x#y\'z' );

        $table_prefix = 'shop_';

        if ( ! defined( 'ABSPATH' ) ) {
        	define( 'ABSPATH', __DIR__ . '/' );
        }

        require_once ABSPATH . 'wp-settings.php';
        """;

    [Fact]
    public void A_config_laid_out_like_wp_config_sample_yields_every_setting()
    {
        var config = WordPressConfigReader.Parse(Sample, "/srv/shop/wp-config.php");

        Assert.Equal("shop_wp", config.DatabaseName);
        Assert.Equal("shop", config.DatabaseUser);
        Assert.Equal("s3cret-Pa55", config.DatabasePassword);
        Assert.Equal("db.internal:3307", config.DatabaseHost);
        Assert.Equal("utf8", config.DatabaseCharset);
        Assert.Equal("shop_", config.TablePrefix);
        Assert.Equal(new DatabaseEndpoint("db.internal", 3307, null), config.Endpoint);
        Assert.Equal("/srv/shop/wp-config.php", config.ConfigPath);
    }

    [Fact]
    public void Double_quotes_and_any_spacing_around_define_are_read()
    {
        var config = WordPressConfigReader.Parse("""
            <?php
            define("DB_NAME","a");
            define (  "DB_USER"  ,   "b"  )  ;
            DEFINE(
                'DB_PASSWORD',
                'c'
            );
            \define('DB_HOST', "localhost");
            """);

        Assert.Equal(("a", "b", "c", "localhost"), (config.DatabaseName, config.DatabaseUser, config.DatabasePassword, config.DatabaseHost));
    }

    [Theory]
    [InlineData(@"'it\'s'", "it's")]
    [InlineData(@"'back\\slash'", @"back\slash")]
    [InlineData(@"'keeps\n\d'", @"keeps\n\d")]
    [InlineData(@"'ends with \\'", @"ends with \")]
    [InlineData("\"say \\\"hi\\\"\"", "say \"hi\"")]
    [InlineData(@"""tab\there\\and\$dollar""", "tab\there\\and$dollar")]
    [InlineData(@"""\x41\101\u{e9}""", "AAé")]
    [InlineData(@"""caf\xc3\xa9""", "café")]
    [InlineData(@"""unknown \q stays""", @"unknown \q stays")]
    [InlineData(@"'#no comment // here'", "#no comment // here")]
    [InlineData("'Übersicht 日本'", "Übersicht 日本")]
    [InlineData("'a' . \"b\" . 'c'", "abc")]
    [InlineData("('wrapped')", "wrapped")]
    [InlineData("12345", "12345")]
    public void String_literals_are_decoded_as_php_does(string literal, string expected)
    {
        var config = WordPressConfigReader.Parse(Config(password: literal));

        Assert.Equal(expected, config.DatabasePassword);
    }

    [Fact]
    public void Defines_in_comments_and_strings_are_ignored()
    {
        var config = WordPressConfigReader.Parse("""
            <?php
            // define( 'DB_NAME', 'line-comment' );
            # define( 'DB_NAME', 'hash-comment' );
            /* define( 'DB_NAME', 'block-comment' );
               define( 'DB_USER', 'block-comment' ); */
            /**
             * define( 'DB_HOST', 'doc-comment' );
             */
            $note = "define('DB_NAME', 'in-a-string');";
            $other = 'define("DB_USER", "in-a-string");';
            define( 'DB_NAME', 'real_name' ); // define( 'DB_USER', 'trailing-comment' );
            define( 'DB_USER', 'real_user' ); # define( 'DB_PASSWORD', 'trailing-hash' );
            define( 'DB_PASSWORD', 'real/*password*/' );
            define( 'DB_HOST', 'real-host' );
            """);

        Assert.Equal("real_name", config.DatabaseName);
        Assert.Equal("real_user", config.DatabaseUser);
        Assert.Equal("real/*password*/", config.DatabasePassword);
        Assert.Equal("real-host", config.DatabaseHost);
    }

    [Fact]
    public void Defined_checks_and_methods_named_define_are_not_defines()
    {
        var config = WordPressConfigReader.Parse("""
            <?php
            if ( ! defined( 'DB_NAME' ) ) { $x = 1; }
            $registry->define( 'DB_NAME', 'method' );
            Config::define( 'DB_NAME', 'static' );
            define( 'DB_NAME', 'real' );
            define( 'DB_USER', 'u' );
            define( 'DB_PASSWORD', 'p' );
            define( 'DB_HOST', 'h' );
            """);

        Assert.Equal("real", config.DatabaseName);
    }

    [Fact]
    public void The_first_define_of_a_constant_wins_as_in_php()
    {
        var config = WordPressConfigReader.Parse(Config() + "\ndefine( 'DB_NAME', 'second' );\n");

        Assert.Equal("wp", config.DatabaseName);
    }

    [Fact]
    public void Text_outside_php_tags_is_not_code()
    {
        var config = WordPressConfigReader.Parse("define('DB_NAME', 'before-the-tag');\n" + Config() + "\n?>\ndefine('DB_USER', 'after-the-tag');\n");

        Assert.Equal("wp", config.DatabaseName);
        Assert.Equal("wpuser", config.DatabaseUser);
    }

    [Fact]
    public void Heredoc_and_nowdoc_values_are_read_and_can_hide_defines()
    {
        var config = WordPressConfigReader.Parse("""
            <?php
            $ignored = <<<EOT
              define( 'DB_NAME', 'in-a-heredoc' );
              EOT;
            define( 'DB_NAME', <<<'NAME'
                nowdoc\name
                NAME );
            define( 'DB_USER', <<<"USER"
            heredoc\tuser
            USER );
            define( 'DB_PASSWORD', 'p' );
            define( 'DB_HOST', 'h' );
            """);

        Assert.Equal(@"nowdoc\name", config.DatabaseName);
        Assert.Equal("heredoc\tuser", config.DatabaseUser);
    }

    [Fact]
    public void Table_prefix_takes_the_last_assignment_and_defaults_to_wp_()
    {
        Assert.Equal("wp_", WordPressConfigReader.Parse(Config(prefix: null)).TablePrefix);
        Assert.Equal("b_", WordPressConfigReader.Parse(Config(prefix: "'a_'") + "\n$table_prefix = \"b_\";\n").TablePrefix);
        Assert.Equal("wp_", WordPressConfigReader.Parse(Config(prefix: null) + "\n$table_prefix .= 'x';\n").TablePrefix);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("''")]
    public void Missing_or_empty_charset_means_utf8mb4(string? charset)
    {
        Assert.Equal("utf8mb4", WordPressConfigReader.Parse(Config(charset: charset)).DatabaseCharset);
    }

    [Theory]
    [InlineData("DB_NAME")]
    [InlineData("DB_USER")]
    [InlineData("DB_PASSWORD")]
    [InlineData("DB_HOST")]
    public void A_missing_database_setting_is_an_error_naming_it_and_the_file(string constant)
    {
        var source = string.Join('\n', Config().Split('\n').Where(line => !line.Contains($"'{constant}'", StringComparison.Ordinal)));

        var error = Assert.Throws<WordPressSiteException>(() => WordPressConfigReader.Parse(source, "/srv/site/wp-config.php"));

        Assert.Contains(constant, error.Message, StringComparison.Ordinal);
        Assert.Contains("/srv/site/wp-config.php", error.Message, StringComparison.Ordinal);
        Assert.Contains("db` override", error.Message, StringComparison.Ordinal);
        Assert.Equal("/srv/site/wp-config.php", error.Path);
    }

    [Theory]
    [InlineData("getenv('DB_HOST')")]
    [InlineData("$_ENV['DB_HOST']")]
    [InlineData("\"db-$suffix\"")]
    [InlineData("'db' . PORT")]
    public void A_value_only_php_can_compute_is_an_error_pointing_at_the_db_override(string expression)
    {
        var error = Assert.Throws<WordPressSiteException>(() => WordPressConfigReader.Parse(Config(host: expression), "/srv/site/wp-config.php"));

        Assert.Contains("DB_HOST", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a literal", error.Message, StringComparison.Ordinal);
        Assert.Contains(expression, error.Message, StringComparison.Ordinal);
        Assert.Contains("`db` override", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_computed_password_is_an_error_that_does_not_repeat_the_expression()
    {
        var error = Assert.Throws<WordPressSiteException>(() => WordPressConfigReader.Parse(Config(password: "base64_decode('c2VjcmV0')")));

        Assert.Contains("DB_PASSWORD", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_computed_table_prefix_is_an_error()
    {
        var error = Assert.Throws<WordPressSiteException>(() => WordPressConfigReader.Parse(Config(prefix: "getenv('PREFIX')")));

        Assert.Contains("$table_prefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_db_host_with_a_bad_port_is_an_error_naming_db_host()
    {
        var error = Assert.Throws<WordPressSiteException>(() => WordPressConfigReader.Parse(Config(host: "'db:http'"), "/srv/site/wp-config.php"));

        Assert.Contains("DB_HOST", error.Message, StringComparison.Ordinal);
        Assert.Contains("db:http", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Printing_the_config_or_its_connection_settings_never_shows_the_password()
    {
        var config = WordPressConfigReader.Parse(Config(password: "'Very-Secret-7'"));

        Assert.DoesNotContain("Very-Secret-7", config.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Very-Secret-7", config.ToConnectionSettings().ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Very-Secret-7", $"{config with { TablePrefix = "x_" }}", StringComparison.Ordinal);
        Assert.Contains("DatabaseUser = wpuser", config.ToString(), StringComparison.Ordinal);
        Assert.Contains("Password = ***", config.ToConnectionSettings().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_settings_carry_the_config_values()
    {
        var settings = WordPressConfigReader.Parse(Config(host: "'localhost:/run/mysqld/mysqld.sock'")).ToConnectionSettings();

        Assert.Equal(new DatabaseConnectionSettings(new DatabaseEndpoint("localhost", null, "/run/mysqld/mysqld.sock"), "wp", "wpuser", "pw", "utf8mb4"), settings);
    }

    private static string Config(string host = "'localhost'", string password = "'pw'", string? charset = "'utf8mb4'", string? prefix = "'wp_'")
    {
        var lines = new List<string>
        {
            "<?php",
            "define( 'DB_NAME', 'wp' );",
            "define( 'DB_USER', 'wpuser' );",
            $"define( 'DB_PASSWORD', {password} );",
            $"define( 'DB_HOST', {host} );",
        };
        if (charset is not null)
        {
            lines.Add($"define( 'DB_CHARSET', {charset} );");
        }

        if (prefix is not null)
        {
            lines.Add($"$table_prefix = {prefix};");
        }

        return string.Join('\n', lines);
    }
}
