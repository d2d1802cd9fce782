using System.Text;
using System.Text.RegularExpressions;
using Backupd.Modules;
using Backupd.Modules.WordPress.Restore.DumpImport;

namespace Backupd.Tests.Modules.Restore;

/// <summary>
/// A dump streamed to the import: what mysqldump writes passes, the site's tables under a staging
/// prefix and rows untouched byte for byte; other tables' statements are left out whole; and
/// anything mysqldump does not write (a statement of another kind, SQL after a row's ';', a
/// query, a setting, a client command) is refused before a byte of it is written.
/// </summary>
public sealed partial class DumpStatementFilterTests
{
    private const string Table = "CREATE TABLE `wp_posts` (\n  `id` bigint(20) NOT NULL\n) ENGINE=InnoDB;\n";

    [Fact]
    public async Task A_real_mariadb_dump_passes_renamed_with_other_tables_left_out()
    {
        var dump = Dump("mariadb-10.11.sql");

        var (output, filter) = await FilterAsync(dump);

        Assert.Equal(["wp_log", "wp_options"], filter.Tables);
        Assert.Equal(["other_app"], filter.Skipped);
        var expected = OtherAppStatement().Replace(Renamed(dump), "").Replace("CONSTRAINT `fk` FOREIGN KEY", "CONSTRAINT `brs1_log_ibfk_1001` FOREIGN KEY", StringComparison.Ordinal);
        Assert.Equal(expected, output);
        Assert.Equal(["fk of wp_log (now <table>_ibfk_1001)"], filter.RenamedForeignKeys);
        Assert.Contains("REFERENCES `brs1_options` (`option_id`)", output, StringComparison.Ordinal);
        Assert.Contains("(1,'a','x\\'y\\\"z\\\\','yes','2024-01-02 03:04:05',0.00000000015,0x00FF27,0x05,'{\\\"a\\\":1}')", output, StringComparison.Ordinal);
        Assert.StartsWith("/*M!999999\\- enable the sandbox mode */ \n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mysql_8_dump_passes_renamed_without_its_binary_log_and_gtid_settings()
    {
        var dump = Dump("mysql-8.0.sql");

        var (output, filter) = await FilterAsync(dump);

        Assert.Equal(["wp_usermeta"], filter.Tables);
        // MySQL's check constraint names are unique in the database too, and follow their table.
        Assert.Equal(GtidStatement().Replace(Renamed(dump), "").Replace("CONSTRAINT `wp_usermeta_chk_1`", "CONSTRAINT `brs1_usermeta_chk_1`", StringComparison.Ordinal), output);
        Assert.DoesNotContain("SET @@", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/*M!100616 SET @OLD_NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0 */;")]
    [InlineData("/*M!100616 SET NOTE_VERBOSITY=@OLD_NOTE_VERBOSITY */;")]
    [InlineData("/*!50503 SET character_set_client = utf8mb4 */;")]
    [InlineData("/*!50003 SET @saved_cs_client      = @@character_set_client */ ;")]
    [InlineData("/*!40101 SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci */;")]
    [InlineData("INSERT INTO `wp_posts` VALUES (1,_binary 0x00,_binary '',b'1',x'0A',-0.5,1e10,1E-5,0,NULL,'','it''s');")]
    [InlineData("INSERT INTO `wp_posts` VALUES\n(1,'a'),\n(2,'b');")]
    [InlineData("REPLACE INTO `wp_posts` VALUES (1);")]
    [InlineData("INSERT IGNORE INTO `wp_posts` (`id`, `v`) VALUES (1,'a');")]
    [InlineData("CREATE TABLE `wp_geo` (\n  `p` point NOT NULL /*!80003 SRID 4326 */,\n  SPATIAL KEY `p` (`p`)\n) ENGINE=InnoDB;")]
    [InlineData("CREATE TABLE `wp_v` (`a` int, `b` int GENERATED ALWAYS AS ((`a` * 2)) STORED) ENGINE=MyISAM ROW_FORMAT=DYNAMIC COMMENT='x;y';")]
    [InlineData("CREATE TABLE `wp_h` (`a` int) ENGINE=InnoDB WITH SYSTEM VERSIONING;")]
    [InlineData("CREATE TABLE `wp_k` (\n  `a` varchar(255),\n  PRIMARY KEY (`a`(191)),\n  UNIQUE KEY `u` (`a`(100)) USING BTREE,\n  FULLTEXT KEY `f` (`a`),\n  KEY `k` (`a`(191))\n) ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci ROW_FORMAT=DYNAMIC STATS_PERSISTENT=0 PAGE_CHECKSUM=1 COMMENT='a, b';")]
    [InlineData("CREATE TABLE `wp_p` (`id` int NOT NULL PRIMARY KEY, `v` varchar(20) DEFAULT NULL, KEY `v` (`v`(10)));")]
    [InlineData("CREATE TABLE `wp_c` (`a` int) ENGINE=MyISAM DEFAULT CHARACTER SET utf8mb4 CHECKSUM=1 DELAY_KEY_WRITE=1 PACK_KEYS=0 MAX_ROWS=100 AVG_ROW_LENGTH=10;")]
    [InlineData("SET @OLD_AUTOCOMMIT=@@AUTOCOMMIT, @@AUTOCOMMIT=0;")]
    [InlineData("COMMIT;")]
    [InlineData("SET AUTOCOMMIT=@OLD_AUTOCOMMIT;")]
    [InlineData("set autocommit=0;")]
    [InlineData("commit;")]
    public async Task Statements_mysqldump_writes_pass_renamed(string statement)
    {
        var (output, _) = await FilterAsync(statement + "\n");

        Assert.Equal(Renamed(statement + "\n"), output);
    }

    [Fact]
    public async Task A_row_far_longer_than_what_is_read_ahead_passes_byte_for_byte_and_other_tables_rows_are_left_out()
    {
        var value = string.Concat(Enumerable.Repeat("é€😀x\\'", 300_000));
        var dump = $"INSERT INTO `wp_posts` VALUES (1,'{value}');\nINSERT INTO `other` VALUES ('{value}');\nINSERT INTO `wp_posts` VALUES (2,'short');\n";

        var (output, filter) = await FilterAsync(dump);

        Assert.Equal($"INSERT INTO `brs1_posts` VALUES (1,'{value}');\n\nINSERT INTO `brs1_posts` VALUES (2,'short');\n", output);
        Assert.Equal(["other"], filter.Skipped);
    }

    [Fact]
    public async Task Statements_read_in_tiny_pieces_across_many_windows_come_out_whole()
    {
        // Over four times what is read ahead, in statements of every kind, arriving a few bytes at a time.
        var dump = new StringBuilder();
        for (var i = 0; dump.Length < 4 * DumpStatementFilter.StatementLimit + 12345; i++)
        {
            dump.Append($"DROP TABLE IF EXISTS `wp_t{i}`;\n/*!40101 SET @saved_cs_client     = @@character_set_client */;\n")
                .Append($"CREATE TABLE `wp_t{i}` (\n  `id` int NOT NULL,\n  `v` text COMMENT 'a ; b',\n  KEY `k` (`id`)\n) ENGINE=InnoDB;\n")
                .Append($"LOCK TABLES `wp_t{i}` WRITE;\n-- a comment; with 'quotes\nINSERT INTO `wp_t{i}` VALUES ({i},'{new string('v', i % 700)};'),(-{i}.5e-3,NULL);\nUNLOCK TABLES;\n");
        }

        var (output, filter) = await FilterAsync(dump.ToString(), new TrickleStream(Encoding.UTF8.GetBytes(dump.ToString())));

        Assert.Equal(Renamed(dump.ToString()), output);
        Assert.Equal(filter.Tables.Count, Regex.Count(dump.ToString(), "CREATE TABLE"));
    }

    [Fact]
    public async Task Foreign_keys_get_names_innodb_renames_with_their_table()
    {
        const string Dump = """
            CREATE TABLE `wp_child` (
              `a` int, `b` int, `c` int, `d` int,
              CONSTRAINT `wp_child_ibfk_1` FOREIGN KEY (`a`) REFERENCES `wp_parent` (`id`),
              CONSTRAINT `fk_b` FOREIGN KEY (`b`) REFERENCES `wp_parent` (`id`),
              CONSTRAINT `wp_child_ibfk_2000` FOREIGN KEY (`c`) REFERENCES `wp_other` (`id`),
              CONSTRAINT `wp_child_chk` CHECK (`d` > 0)
            ) ENGINE=InnoDB;

            """;

        var (output, filter) = await FilterAsync(Dump);

        Assert.Contains("CONSTRAINT `brs1_child_ibfk_1` FOREIGN KEY (`a`) REFERENCES `brs1_parent` (`id`)", output, StringComparison.Ordinal);
        Assert.Contains("CONSTRAINT `brs1_child_ibfk_2001` FOREIGN KEY (`b`) REFERENCES `brs1_parent` (`id`)", output, StringComparison.Ordinal);
        Assert.Contains("CONSTRAINT `brs1_child_ibfk_2000` FOREIGN KEY (`c`) REFERENCES `brs1_other` (`id`)", output, StringComparison.Ordinal);
        Assert.Contains("CONSTRAINT `wp_child_chk` CHECK", output, StringComparison.Ordinal);
        Assert.Equal(["fk_b of wp_child (now <table>_ibfk_2001)"], filter.RenamedForeignKeys);
    }

    [Theory]
    [InlineData("DROP TABLE `wp_users`;")]
    [InlineData("INSERT INTO `wp_posts` VALUES (1); DROP TABLE wp_users;")]
    [InlineData("INSERT INTO `wp_posts` VALUES (1),((SELECT user_pass FROM wp_users LIMIT 1));")]
    [InlineData("INSERT INTO `wp_posts` VALUES (1) ON DUPLICATE KEY UPDATE id = 2;")]
    [InlineData("INSERT INTO `wp_posts` VALUES (@x);")]
    [InlineData("INSERT INTO `wp_posts` VALUES (CHAR(65));")]
    [InlineData("INSERT INTO `wp_posts` VALUES (0x41 + 1);")]
    [InlineData("INSERT INTO `wp_posts` VALUES (1a);")]
    [InlineData("INSERT INTO `wp_posts` VALUES (\"a\");")]
    [InlineData("INSERT INTO `wp_posts` VALUES (1) /*!50000 ,(2) */;")]
    [InlineData("INSERT INTO `wp_posts` VALUES (1)-- \n; DROP TABLE wp_users;")]
    [InlineData("INSERT INTO `wp_posts` VALUES (1)--\u0001 'x'); DROP TABLE wp_users; -- ';")]
    [InlineData("INSERT INTO `wp_posts` SELECT * FROM `wp_users`;")]
    [InlineData("INSERT INTO `otherdb`.`wp_posts` VALUES (1);")]
    [InlineData("/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE; DROP TABLE wp_users */;")]
    [InlineData("/*!40000 DROP DATABASE wp */;")]
    [InlineData("/*!99999 SET NAMES '*/' */;")]
    [InlineData("/*!400000 SET NAMES utf8mb4 */;")]
    [InlineData("REPLACE INTO /*!99999 `wp_a` ( */ `wp_users` /*!99999 ) */ VALUES (1);")]
    [InlineData("INSERT INTO `wp_posts` /*!99999 (`id`) */ VALUES (1);")]
    [InlineData("CREATE TABLE /*!99999 `wp_a` ( */ `wp_x` (`a` int) ENGINE=CONNECT /*!99999 ) */;")]
    [InlineData("CREATE TABLE `wp_x` (`a` int) ENGINE /*!99999 InnoDB */ =FEDERATED;")]
    [InlineData("CREATE TABLE `wp_x` (`a` int /*!99999 , `b` int */);")]
    [InlineData("CREATE TABLE `wp_x` (`a` int /*!99999 INVISIBLE ) SELECT 1 AS ( */);")]
    [InlineData("/*!40101 DROP TABLE IF EXISTS `wp_users` */;")]
    [InlineData("/*!40101 SET NAMES utf8mb4 */ /*!40101 SET NAMES utf8mb4 */;")]
    [InlineData("INSERT INTO `wp_posts` VALUES (0X41);")]
    [InlineData("CREATE TABLE `wp_x` (`a` int, FOREIGN KEY (`a`) REFERENCES `users` (`id`));")]
    [InlineData("CREATE TABLE `wp_x` (\ndelimiter int /\n* 'x*/ ); DROP TABLE `wp_users`; -- ' );")]
    [InlineData("CREATE TABLE `wp_x` (\n  delimiterx int\n);")]
    [InlineData("CREATE TABLE `wp_x` (`a` int) ENGINE=InnoDB TABLESPACE=innodb_system;")]
    [InlineData("CREATE TABLE `wp_x` (`a` int) ENGINE=InnoDB ENCRYPTION_KEY_ID=2;")]
    [InlineData("CREATE TABLE `wp_x` (`a` int DEFAULT (`SLEEP`(100)));")]
    [InlineData("CREATE TABLE `wp_x` (`id` int PRIMARY KEY, `b` int DEFAULT (`SLEEP`(100)));")]
    [InlineData("CREATE TABLE `wp_x` (`a` int, KEY `k` ((`SLEEP`(100))));")]
    [InlineData("CREATE TABLE `wp_x` (`a` text DEFAULT (`LOAD_FILE`(`b`)), `b` text);")]
    [InlineData("CREATE TABLE `wp_x` (`u` varchar(300) DEFAULT (CURRENT_USER()));")]
    [InlineData("CREATE TABLE `wp_x` (`u` varchar(300) DEFAULT (DATABASE()));")]
    [InlineData("CREATE TABLE `wp_x` (\nclear\nUPDATE `wp_users` SET `user_pass` = 'x'\ngo\nclear\n`a` int) ENGINE=InnoDB;")]
    [InlineData("CREATE TABLE `wp_x` (\n  `a` int\n  ) ENGINE=InnoDB DEFAULT\n  CHARSET=utf8mb4;")]
    [InlineData("/*M!999999\\- enable the sandbox mode */ DELETE FROM `wp_users`;")]
    [InlineData("/*M!999999\\- enable the sandbox mode */\n")]
    [InlineData("CREATE TABLE `wp_x` (`a` int COMMENT 'p\ndelimiter' -\n- 'q\n); DROP TABLE `wp_users`; SELECT 1 #') ENGINE=InnoDB;")]
    [InlineData("CREATE TABLE `wp_x` (`a` int COMMENT 'x\ndelimiter' SEL\nECT 1);")]
    [InlineData("CREATE TABLE `wp_x` (`a\nb` int);")]
    [InlineData("INSERT INTO `wp_posts` VALUES ('a\ndelimiter'),('b');")]
    [InlineData("INSERT INTO `wp_posts` VALUES ('a\\\rb');")]
    [InlineData("CREATE TABLE `wp_x` (`a` int, CONSTRAINT /*!80023 INVISIBLE */ `wp_x_ibfk_1` FOREIGN KEY (`a`) REFERENCES `wp_b` (`id`));")]
    [InlineData("CREATE TABLE `wp_x` (`a` int, CONSTRAINT fk FOREIGN KEY (`a`) REFERENCES `wp_b` (`id`));")]
    [InlineData("CREATE TABLE `wp_x` (`a` int, FOREIGN KEY (`a`) REFERENCES `wp_db` /*!80023 INVISIBLE */ . `t` (`id`));")]
    [InlineData("CREATE TABLE `wp_x` (`n` bigint DEFAULT nextval(`otherdb`.`seq`));")]
    [InlineData("CREATE TABLE `wp_x` (`n` bigint DEFAULT nextval(`seq`));")]
    [InlineData("CREATE TABLE `wp_x\u0001` (`a` int);")]
    [InlineData("SET @@GLOBAL.AUTOCOMMIT=0;")]
    [InlineData("SET @OLD_AUTOCOMMIT=0;")]
    [InlineData("INSERT INTO `wp_posts` VALUES ('a\0'); DROP TABLE wp_users; -- ');")]
    [InlineData("INSERT INTO `wp_posts` VALUES ('a\\\0');")]
    [InlineData("CREATE TABLE `wp_x` (`a` text COMMENT 'a\0');")]
    [InlineData("/* a comment */ DROP TABLE IF EXISTS `wp_users`;")]
    [InlineData("# a comment\nDROP TABLE IF EXISTS `wp_users`;")]
    [InlineData("GRANT ALL ON *.* TO 'x'@'%';")]
    [InlineData("SET PASSWORD = PASSWORD('x');")]
    [InlineData("SET SQL_MODE='NO_BACKSLASH_ESCAPES';")]
    [InlineData("SET @OLD_SQL_MODE='ANSI_QUOTES';")]
    [InlineData("SET SQL_MODE=@OLD_TIME_ZONE;")]
    [InlineData("SET NAMES gbk;")]
    [InlineData("SET character_set_client = sjis;")]
    [InlineData("SET @@GLOBAL.general_log = 1;")]
    [InlineData("SET GLOBAL general_log = 1;")]
    [InlineData("CREATE TABLE `wp_x` (`a` int) ENGINE=FEDERATED CONNECTION='mysql://u@127.0.0.1/db/t';")]
    [InlineData("CREATE TABLE `wp_x` (`a` int) ENGINE=MERGE UNION=(`wp_users`);")]
    [InlineData("CREATE TABLE `wp_x` (`a` int) ENGINE=InnoDB DATA DIRECTORY='/tmp';")]
    [InlineData("CREATE TABLE `wp_x` (`a` int) SELECT user_pass AS a FROM wp_users;")]
    [InlineData("CREATE TABLE `wp_x` (`a` text DEFAULT (LOAD_FILE('/etc/passwd')));")]
    [InlineData("CREATE TABLE `wp_x` (`a` int) PARTITION BY HASH(`a`) (PARTITION p0 DATA DIRECTORY = '/tmp');")]
    [InlineData("CREATE TABLE `otherdb`.`wp_x` (`a` int);")]
    [InlineData("CREATE TABLE `wp_x` LIKE `wp_users`;")]
    [InlineData("CREATE TABLE `wp_x` (LIKE `wp_users`);")]
    [InlineData("CREATE USER 'x'@'%';")]
    [InlineData("ALTER TABLE `wp_users` RENAME TO `x`;")]
    [InlineData("DROP TABLE IF EXISTS `wp_users`, `x`;")]
    [InlineData("LOCK TABLES `wp_posts` WRITE, `wp_users` WRITE;")]
    [InlineData("UPDATE `wp_users` SET user_pass = 'x';")]
    [InlineData("DELETE FROM `wp_users`;")]
    [InlineData("RENAME TABLE `wp_users` TO `x`;")]
    [InlineData("TRUNCATE `wp_users`;")]
    [InlineData("LOAD DATA INFILE '/etc/passwd' INTO TABLE `wp_posts`;")]
    [InlineData("SELECT * FROM `wp_users` INTO OUTFILE '/tmp/x';")]
    [InlineData("DO SLEEP(100);")]
    [InlineData("CALL p();")]
    [InlineData("\\! touch /tmp/x")]
    [InlineData("source /etc/passwd")]
    [InlineData("INSERT INTO `wp_posts` VALUES (1),(2)")]
    [InlineData("INSERT INTO `wp_posts` VALUES (1,'cut off")]
    [InlineData("DROP TABLE IF EXISTS `wp_posts`")]
    public async Task What_mysqldump_does_not_write_is_refused_with_where_it_is(string statement)
    {
        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => FilterAsync(Table + statement + "\n"));

        Assert.Matches(@"^The database dump was refused at byte [0-9,]+ \(in ", error.Message);
        Assert.Contains("the live tables were not touched", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_message_names_the_statement_and_the_byte_it_starts_at()
    {
        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => FilterAsync(Table + "DELETE FROM `wp_users`;\n"));

        Assert.StartsWith($"The database dump was refused at byte {Table.Length} (in \"DELETE FROM `wp_users`;\"): a statement of a kind mysqldump never writes.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_of_a_refused_statement_is_written_while_everything_before_it_is()
    {
        // Enough rows before it that earlier windows have already gone to the client.
        var rows = string.Join(",", Enumerable.Range(1, 400_000).Select(i => $"({i},'row')"));
        var before = $"{Table}INSERT INTO `wp_posts` VALUES {rows};\n";
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(before + "INSERT INTO `wp_posts` VALUES (1); DROP TABLE wp_users;\n"));
        using var output = new MemoryStream();

        await Assert.ThrowsAsync<ModuleFailedException>(() => new DumpStatementFilter("wp_", "brs1_").CopyAsync(input, output, progress: null, CancellationToken.None));

        var written = Encoding.UTF8.GetString(output.ToArray());
        Assert.True(written.Length > DumpStatementFilter.StatementLimit, "nothing was written before the refusal");
        Assert.StartsWith(written, Renamed(before), StringComparison.Ordinal);
        Assert.DoesNotContain("DROP", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dump_that_ends_inside_rows_read_over_several_windows_is_refused()
    {
        var rows = string.Join(",", Enumerable.Range(1, 300_000).Select(i => $"({i},'row')"));

        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => FilterAsync($"{Table}INSERT INTO `wp_posts` VALUES {rows}"));

        Assert.Contains("(in the rows of `wp_posts`): rows the dump ends inside.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_is_refused()
    {
        var filter = new DumpStatementFilter("wp_", "brs1_", lineLimit: 1000);
        using var input = new MemoryStream(Encoding.UTF8.GetBytes($"{Table}INSERT INTO `wp_posts` VALUES ('{new string('a', 500)}');INSERT INTO `wp_posts` VALUES ('{new string('a', 500)}');\n"));

        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => filter.CopyAsync(input, Stream.Null, progress: null, CancellationToken.None));

        Assert.Contains("a line longer than 1,000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_is_counted_as_the_client_sees_it_with_statements_left_out_joining_the_lines_around_them()
    {
        var filter = new DumpStatementFilter("wp_", "brs1_", lineLimit: 1000);
        var value = new string('a', 600);
        using var input = new MemoryStream(Encoding.UTF8.GetBytes($"{Table}INSERT INTO `wp_posts` VALUES ('{value}');DROP TABLE IF EXISTS\n`other`;INSERT INTO `wp_posts` VALUES ('{value}');\n"));

        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => filter.CopyAsync(input, Stream.Null, progress: null, CancellationToken.None));

        Assert.Contains("a line longer than 1,000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sandbox_line_passes_only_alone_on_the_first_line()
    {
        var (output, _) = await FilterAsync("/*M!999999\\- enable the sandbox mode */ \r\nSET NAMES utf8mb4;\n");

        Assert.Equal("/*M!999999\\- enable the sandbox mode */ \r\nSET NAMES utf8mb4;\n", output);
        await Assert.ThrowsAsync<ModuleFailedException>(() => FilterAsync("/*M!999999\\- enable the sandbox mode */ SET NAMES utf8mb4;\n"));
    }

    [Fact]
    public async Task Names_of_the_sites_tables_in_another_case_are_the_sites()
    {
        var (output, filter) = await FilterAsync("CREATE TABLE `WP_child` (`a` int, FOREIGN KEY (`a`) REFERENCES `Wp_parent` (`id`));\n");

        Assert.Equal("CREATE TABLE `brs1_child` (`a` int, FOREIGN KEY (`a`) REFERENCES `brs1_parent` (`id`));\n", output);
        Assert.Equal(["WP_child"], filter.Tables);
    }

    [Theory]
    [InlineData("/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t BEFORE INSERT ON `wp_posts` FOR EACH ROW SET NEW.x = 1 */;;")]
    [InlineData("/*!50001 CREATE ALGORITHM=UNDEFINED */")]
    [InlineData("/*!50003 SET sql_mode              = 'STRICT_TRANS_TABLES' */ ;")]
    [InlineData("DELIMITER ;;")]
    public async Task A_dump_with_triggers_views_or_routines_is_refused_as_such(string line)
    {
        var error = await Assert.ThrowsAsync<ModuleFailedException>(() => FilterAsync($"DROP TABLE IF EXISTS `wp_posts`;\n{line}\n"));

        Assert.Contains("triggers, views or routines", error.Message, StringComparison.Ordinal);
    }

    private static string Dump(string name)
    {
        using var stream = typeof(DumpStatementFilterTests).Assembly.GetManifestResourceStream($"Dumps.{name}")
            ?? throw new InvalidOperationException($"No embedded dump {name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    // The site's tables under the staging prefix where statements name tables; comments are passed on as they are.
    private static string Renamed(string dump) => string.Concat(dump.Split('\n').Select((line, index) =>
        (index > 0 ? "\n" : "") + (line.StartsWith("--", StringComparison.Ordinal) ? line : TableName().Replace(line, "`brs1_"))));

    private static async Task<(string Output, DumpStatementFilter Filter)> FilterAsync(string dump, Stream? input = null)
    {
        var filter = new DumpStatementFilter("wp_", "brs1_");
        using var source = input ?? new MemoryStream(Encoding.UTF8.GetBytes(dump));
        using var output = new MemoryStream();
        await filter.CopyAsync(source, output, progress: null, CancellationToken.None);
        return (Encoding.UTF8.GetString(output.ToArray()), filter);
    }

    [GeneratedRegex("(?<=(TABLE|TABLES|EXISTS|INTO|REFERENCES) )`wp_")]
    private static partial Regex TableName();

    [GeneratedRegex(@"SET @(MYSQLDUMP_TEMP_LOG_BIN|@SESSION\.SQL_LOG_BIN|@GLOBAL\.GTID_PURGED)[^;]*;")]
    private static partial Regex GtidStatement();

    [GeneratedRegex(@"(DROP TABLE IF EXISTS `other_app`;|CREATE TABLE `other_app` \([^;]*;|LOCK TABLES `other_app` WRITE;|/\*!40000 ALTER TABLE `other_app` (DIS|EN)ABLE KEYS \*/;|INSERT INTO `other_app` VALUES[^;]*;)")]
    private static partial Regex OtherAppStatement();

    // Hands out a few bytes per read, so every token and statement falls across reads.
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        private int _reads;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1 + (_reads++ % 4093))], cancellationToken);
    }
}
