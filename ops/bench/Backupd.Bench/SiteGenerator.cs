using System.Globalization;
using System.Text;
using MySqlConnector;

namespace Backupd.Bench;

/// <summary>
/// Fills a WordPress site with what real ones carry: tens of thousands of small theme and
/// plugin files (compressible text), incompressible uploads, a few files over 100 MiB and a
/// large posts table. Seeded, so two runs build the same site.
/// </summary>
internal sealed class SiteGenerator(double scale, int seed = 20261124)
{
    private static readonly string[] Words =
        ["function", "return", "array", "wp_enqueue_script", "add_action", "apply_filters", "esc_html", "$post", "get_option",
         "if", "else", "foreach", "class", "public", "static", "echo", "__(", "'text-domain'", "null", "true", "false", "=>", "{", "}", ";"];

    private readonly Random _random = new(seed);

    public long FilesBytes { get; private set; }

    public int FileCount { get; private set; }

    public void WriteContent(string wpContent)
    {
        var smallFiles = (int)(30_000 * scale);
        for (var i = 0; i < smallFiles; i++)
        {
            var area = i % 3 == 0 ? "themes" : "plugins";
            var dir = Path.Combine(wpContent, area, $"package-{i / 500:D3}", $"src-{i / 50 % 10}");
            Directory.CreateDirectory(dir);
            Write(Path.Combine(dir, $"file-{i:D6}.php"), Encoding.UTF8.GetBytes(Text(_random.Next(512, 8192))));
        }

        var uploads = (int)(1_600 * scale);
        for (var i = 0; i < uploads; i++)
        {
            var dir = Path.Combine(wpContent, "uploads", (2020 + i % 6).ToString(CultureInfo.InvariantCulture), $"{i % 12 + 1:D2}");
            Directory.CreateDirectory(dir);
            Write(Path.Combine(dir, $"photo-{i:D5}.jpg"), Random(_random.Next(100 << 10, 400 << 10)));
        }

        var large = Path.Combine(wpContent, "uploads", "large");
        Directory.CreateDirectory(large);
        var bigSize = (long)(120L * (1 << 20) * Math.Max(scale, 0.25));
        WriteLarge(Path.Combine(large, "video.mp4"), bigSize, compressible: false);
        WriteLarge(Path.Combine(large, "site-export.xml"), bigSize, compressible: true);
        WriteLarge(Path.Combine(wpContent, "debug.log"), bigSize, compressible: true);
    }

    /// <summary>Adds posts until the posts table holds about <paramref name="bytes"/>.</summary>
    public async Task FillDatabaseAsync(string connectionString, string tablePrefix, long bytes)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        const int rowsPerInsert = 200;
        const int bodyBytes = 1500;
        var rows = bytes / bodyBytes;
        for (long done = 0; done < rows; done += rowsPerInsert)
        {
            var sql = new StringBuilder($"INSERT INTO `{tablePrefix}posts` (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status, post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, guid, post_type) VALUES ");
            for (var r = 0; r < rowsPerInsert; r++)
            {
                var n = done + r;
                sql.Append(CultureInfo.InvariantCulture, $"(1, NOW(), NOW(), '{Text(bodyBytes).Replace("'", "''", StringComparison.Ordinal)}', 'Bench post {n} — café', '', 'publish', 'bench-post-{n}', '', '', NOW(), NOW(), '', 'http://bench.test/?p={n}', 'post'),");
            }

            sql.Length--;
            await using var command = new MySqlCommand(sql.ToString(), connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private void Write(string path, byte[] content)
    {
        File.WriteAllBytes(path, content);
        FilesBytes += content.Length;
        FileCount++;
    }

    private void WriteLarge(string path, long size, bool compressible)
    {
        using var stream = File.Create(path);
        var block = new byte[1 << 20];
        for (long written = 0; written < size; written += block.Length)
        {
            if (compressible)
            {
                Encoding.ASCII.GetBytes(Text(block.Length)).AsSpan(0, block.Length).CopyTo(block);
            }
            else
            {
                _random.NextBytes(block);
            }

            stream.Write(block);
        }

        FilesBytes += stream.Length;
        FileCount++;
    }

    private byte[] Random(int size)
    {
        var bytes = new byte[size];
        _random.NextBytes(bytes);
        return bytes;
    }

    private string Text(int size)
    {
        var builder = new StringBuilder(size + 32);
        while (builder.Length < size)
        {
            builder.Append(Words[_random.Next(Words.Length)]).Append(_random.Next(8) == 0 ? '\n' : ' ');
            if (_random.Next(16) == 0)
            {
                builder.Append(_random.Next(100_000).ToString(CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString(0, size);
    }
}
