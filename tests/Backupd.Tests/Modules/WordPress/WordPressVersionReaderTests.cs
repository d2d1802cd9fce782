using Backupd.Modules.WordPress;

namespace Backupd.Tests.Modules.WordPress;

public sealed class WordPressVersionReaderTests
{
    [Fact]
    public void The_version_is_the_literal_assigned_to_wp_version()
    {
        const string versionPhp = """
            <?php
            /**
             * WordPress Version
             *
             * Contains version information for the current WordPress release.
             *
             * @global string $wp_version = '0.0.0';
             */
            // $wp_version = '1.0';
            $wp_version = '6.4.2';

            $wp_db_version = 56657;
            $required_php_version = '7.0.0';
            """;

        Assert.Equal("6.4.2", WordPressVersionReader.Parse(versionPhp));
    }

    [Theory]
    [InlineData("<?php\n$wp_db_version = 56657;\n")]
    [InlineData("<?php\n$wp_version = get_version();\n")]
    [InlineData("")]
    public void No_literal_version_is_null(string versionPhp)
    {
        Assert.Null(WordPressVersionReader.Parse(versionPhp));
    }

    [Fact]
    public async Task A_site_without_version_php_has_no_version()
    {
        var root = Directory.CreateTempSubdirectory("backupd-wpversion-");
        try
        {
            Assert.Null(await WordPressVersionReader.ReadAsync(root.FullName, CancellationToken.None));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
