using System.Text;
using Backupd.Modules;
using Backupd.Modules.WordPress.Restore;

namespace Backupd.Tests.Modules.Restore;

/// <summary>
/// A dump streamed to the import with the site's tables under a staging prefix: every statement
/// that names one of them renamed, rows untouched byte for byte however long, other tables' statements
/// left out whole, and dumps with triggers, views or routines refused.
/// </summary>
public sealed class DumpTableRenamerTests
{
    private const string Dump = """
        /*M!999999\- enable the sandbox mode */
        /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
        DROP TABLE IF EXISTS `wp_options`;
        /*!40101 SET @saved_cs_client     = @@character_set_client */;
        CREATE TABLE `wp_options` (
          `option_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
          `option_value` longtext NOT NULL,
          PRIMARY KEY (`option_id`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
        /*!40101 SET character_set_client = @saved_cs_client */;
        LOCK TABLES `wp_options` WRITE;
        /*!40000 ALTER TABLE `wp_options` DISABLE KEYS */;
        INSERT INTO `wp_options` VALUES (1,'CREATE TABLE `wp_evil` ( -- a value, not a statement'),(2,'wp_options');
        /*!40000 ALTER TABLE `wp_options` ENABLE KEYS */;
        UNLOCK TABLES;
        DROP TABLE IF EXISTS `other_app_users`;
        CREATE TABLE `other_app_users` (
          `id` int NOT NULL
        ) ENGINE=InnoDB;
        LOCK TABLES `other_app_users` WRITE;
        INSERT INTO `other_app_users` VALUES (1);
        UNLOCK TABLES;
        DROP TABLE IF EXISTS `wp_wc_download_log`;
        CREATE TABLE `wp_wc_download_log` (
          `download_id` bigint(20) NOT NULL,
          `permission_id` bigint(20) NOT NULL,
          CONSTRAINT `fk_permission` FOREIGN KEY (`permission_id`) REFERENCES `wp_woocommerce_permissions` (`permission_id`) ON DELETE CASCADE
        ) ENGINE=InnoDB;

        """;

    [Fact]
    public async Task The_sites_tables_are_renamed_rows_pass_untouched_and_other_tables_are_left_out()
    {
        var (output, renamer) = await RenameAsync(Dump);

        Assert.Equal(["wp_options", "wp_wc_download_log"], renamer.Tables);
        Assert.Equal(["other_app_users"], renamer.Skipped);
        Assert.Contains("DROP TABLE IF EXISTS `brs1_options`;\n", output, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE `brs1_options` (\n  `option_id`", output, StringComparison.Ordinal);
        Assert.Contains("LOCK TABLES `brs1_options` WRITE;", output, StringComparison.Ordinal);
        Assert.Contains("/*!40000 ALTER TABLE `brs1_options` DISABLE KEYS */;", output, StringComparison.Ordinal);
        Assert.Contains("INSERT INTO `brs1_options` VALUES (1,'CREATE TABLE `wp_evil` ( -- a value, not a statement'),(2,'wp_options');", output, StringComparison.Ordinal);
        Assert.Contains("REFERENCES `brs1_woocommerce_permissions` (`permission_id`)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("other_app_users", output, StringComparison.Ordinal);
        Assert.Contains("UNLOCK TABLES;", output, StringComparison.Ordinal);
        Assert.StartsWith("/*M!999999\\- enable the sandbox mode */\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_line_far_longer_than_any_buffer_passes_byte_for_byte()
    {
        var value = string.Concat(Enumerable.Repeat("é€😀x", 120_000));
        var dump = $"INSERT INTO `wp_posts` VALUES (1,'{value}');\nINSERT INTO `other` VALUES ('{value}');\nINSERT INTO `wp_posts` VALUES (2,'short');\n";

        var (output, _) = await RenameAsync(dump);

        Assert.Equal($"INSERT INTO `brs1_posts` VALUES (1,'{value}');\nINSERT INTO `brs1_posts` VALUES (2,'short');\n", output);
    }

    [Theory]
    [InlineData("/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t BEFORE INSERT ON `wp_posts` FOR EACH ROW SET NEW.x = 1 */;;")]
    [InlineData("/*!50001 CREATE ALGORITHM=UNDEFINED */")]
    [InlineData("DELIMITER ;;")]
    public async Task A_dump_with_triggers_views_or_routines_is_refused(string line)
    {
        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => RenameAsync($"DROP TABLE IF EXISTS `wp_posts`;\n{line}\n"));

        Assert.Contains("triggers, views or routines", error.Message, StringComparison.Ordinal);
    }

    private static async Task<(string Output, DumpTableRenamer Renamer)> RenameAsync(string dump)
    {
        var renamer = new DumpTableRenamer("wp_", "brs1_");
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(dump.ReplaceLineEndings("\n")));
        using var output = new MemoryStream();
        await renamer.CopyAsync(input, output, progress: null, CancellationToken.None);
        return (Encoding.UTF8.GetString(output.ToArray()), renamer);
    }
}
