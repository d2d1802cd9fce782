using System.Text;
using System.Text.RegularExpressions;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// Streams a mysqldump file to the mysql client with every table of the site (those named with
/// its prefix) renamed to a staging prefix, so the import builds a second copy beside the live
/// tables, and with every statement about another table left out. Only the start of each line is
/// looked at (where mysqldump names the table); rows pass through byte for byte, however long.
/// </summary>
/// <remarks>
/// Written here because no library rewrites mysqldump output as a stream, and the statements
/// mysqldump writes (one per line, a CREATE TABLE across lines up to its <c>;</c>) are few and
/// fixed. Triggers, views and routines carry table names inside their bodies; a dump that holds
/// any is refused rather than restored half renamed (WordPress creates none).
/// </remarks>
internal sealed partial class DumpTableRenamer(string livePrefix, string stagingPrefix)
{
    private const int HeadLimit = 1024;
    private readonly string _live = Latin1(livePrefix);
    private readonly string _staging = Latin1(stagingPrefix);
    private readonly List<string> _tables = [];
    private readonly SortedSet<string> _skipped = new(StringComparer.Ordinal);

    /// <summary>The site's tables the dump creates, by their live names.</summary>
    public IReadOnlyList<string> Tables => _tables;

    /// <summary>Tables in the dump without the site's prefix, left out.</summary>
    public IReadOnlyCollection<string> Skipped => _skipped;

    /// <summary>Copies <paramref name="input"/> to <paramref name="output"/>, renamed; <paramref name="progress"/> gets the bytes read.</summary>
    /// <exception cref="ModuleFailedException">The dump holds triggers, views or routines.</exception>
    public async Task CopyAsync(Stream input, Stream output, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        var head = new byte[HeadLimit];
        var headLength = 0;
        var inHead = true;
        var line = new LineState();
        long read = 0;
        int count;
        while ((count = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            read += count;
            var position = 0;
            while (position < count)
            {
                if (inHead)
                {
                    // Gather the start of the line, up to its end or the limit, then decide what it is.
                    var newline = Array.IndexOf(buffer, (byte)'\n', position, count - position);
                    var end = newline < 0 ? count : newline + 1;
                    var take = Math.Min(end - position, HeadLimit - headLength);
                    Array.Copy(buffer, position, head, headLength, take);
                    headLength += take;
                    position += take;
                    var complete = headLength > 0 && head[headLength - 1] == '\n';
                    if (complete || headLength == HeadLimit)
                    {
                        var rewritten = Rewrite(Encoding.Latin1.GetString(head, 0, headLength), ref line);
                        if (!line.Skipping)
                        {
                            await output.WriteAsync(Encoding.Latin1.GetBytes(rewritten), cancellationToken).ConfigureAwait(false);
                        }

                        line.LastByte = LastContentByte(head, headLength, line.LastByte);
                        headLength = 0;
                        inHead = !complete;
                        if (complete)
                        {
                            line.EndLine();
                            inHead = true;
                        }
                    }
                }
                else
                {
                    // The rest of a long line (rows): passed on as it is, or left out with its statement.
                    var newline = Array.IndexOf(buffer, (byte)'\n', position, count - position);
                    var end = newline < 0 ? count : newline + 1;
                    if (!line.Skipping)
                    {
                        await output.WriteAsync(buffer.AsMemory(position, end - position), cancellationToken).ConfigureAwait(false);
                    }

                    line.LastByte = LastContentByte(buffer.AsSpan(position, end - position), line.LastByte);
                    position = end;
                    if (newline >= 0)
                    {
                        line.EndLine();
                        inHead = true;
                    }
                }
            }

            progress?.Report(read);
        }

        if (headLength > 0)
        {
            var rewritten = Rewrite(Encoding.Latin1.GetString(head, 0, headLength), ref line);
            if (!line.Skipping)
            {
                await output.WriteAsync(Encoding.Latin1.GetBytes(rewritten), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string Rewrite(string head, ref LineState line)
    {
        if (line.InStatement)
        {
            // A CREATE TABLE's body: only a foreign key names another table.
            return line.Skipping ? head : References().Replace(head, match => $"REFERENCES `{Renamed(Unquote(match.Groups["name"].Value))}`");
        }

        if (Refused().IsMatch(head))
        {
            throw new ModuleFailedException("The database dump holds triggers, views or routines, which name tables inside their bodies; this restore does not rename those. Restore the dump by hand (docs/jobs.md, \"Restoring a site\").");
        }

        var statement = Statement().Match(head);
        if (!statement.Success)
        {
            line.Skipping = false;
            return head;
        }

        line.InStatement = true;
        var table = Unquote(statement.Groups["name"].Value);
        if (!table.StartsWith(_live, StringComparison.Ordinal))
        {
            _skipped.Add(Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(table)));
            line.Skipping = true;
            return head;
        }

        line.Skipping = false;
        if (statement.Groups["keyword"].Value == "CREATE TABLE ")
        {
            _tables.Add(Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(table)));
        }

        var name = statement.Groups["name"];
        return string.Concat(head.AsSpan(0, name.Index), Quote(Renamed(table)), head.AsSpan(name.Index + name.Length));
    }

    private string Renamed(string table) => table.StartsWith(_live, StringComparison.Ordinal) ? _staging + table[_live.Length..] : table;

    private static string Unquote(string quoted) => quoted.Replace("``", "`", StringComparison.Ordinal);

    private static string Quote(string name) => name.Replace("`", "``", StringComparison.Ordinal);

    private static string Latin1(string text) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text));

    private static byte LastContentByte(ReadOnlySpan<byte> bytes, byte previous)
    {
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes[i] is not ((byte)'\n' or (byte)'\r' or (byte)' ' or (byte)'\t'))
            {
                return bytes[i];
            }
        }

        return previous;
    }

    private static byte LastContentByte(byte[] bytes, int length, byte previous) => LastContentByte(bytes.AsSpan(0, length), previous);

    [GeneratedRegex(@"^(?<keyword>DROP TABLE IF EXISTS |CREATE TABLE |LOCK TABLES |INSERT INTO |REPLACE INTO |/\*!40000 ALTER TABLE |ALTER TABLE )`(?<name>(?:[^`]|``)+)`")]
    private static partial Regex Statement();

    [GeneratedRegex(@"REFERENCES `(?<name>(?:[^`]|``)+)`")]
    private static partial Regex References();

    [GeneratedRegex(@"^(/\*!5000[13] |DELIMITER |CREATE (ALGORITHM|DEFINER|TRIGGER|VIEW|PROCEDURE|FUNCTION|EVENT)\b)")]
    private static partial Regex Refused();

    // Where the copy is within the dump's statements: a statement runs until a line ends with ';'.
    private struct LineState
    {
        public bool InStatement;
        public bool Skipping;
        public byte LastByte;

        public void EndLine()
        {
            if (InStatement && LastByte == (byte)';')
            {
                InStatement = false;
            }

            LastByte = 0;
        }
    }
}
