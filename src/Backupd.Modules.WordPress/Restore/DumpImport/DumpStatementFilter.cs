using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace Backupd.Modules.WordPress.Restore.DumpImport;

/// <summary>
/// Streams a bundle's mysqldump file to the mysql client, statement by statement, letting through
/// only what mysqldump writes: its session settings, and DROP TABLE IF EXISTS, CREATE TABLE, LOCK
/// TABLES, ALTER TABLE … KEYS and INSERT rows of literal values, each on one table of the site
/// (named with its prefix), renamed to a staging prefix so the import builds a second copy beside
/// the live tables. Statements about other tables are left out whole. Anything else (a statement
/// of another kind, a qualified table, a query, a variable, a client command) stops the copy
/// before a byte of it is written, with an error naming what and where.
/// </summary>
/// <remarks>
/// A bundle comes from a node, which may have been broken into, and the import runs as the
/// target's database user: a dump's SQL is not trusted. Written here because no library parses
/// mysqldump output as a stream; the grammar is mysqldump's own, small and fixed. Triggers, views
/// and routines carry SQL in their bodies and are refused (WordPress creates none).
/// </remarks>
internal sealed partial class DumpStatementFilter(string livePrefix, string stagingPrefix, long lineLimit = DumpStatementFilter.LineLimit)
{
    /// <summary>The longest statement other than rows: a CREATE TABLE of hundreds of columns is far shorter.</summary>
    internal const int StatementLimit = 1 << 20;

    /// <summary>
    /// The longest line: the mysql client cuts a line past 1 GiB into pieces and drops a backslash
    /// at the end of one, so the rest of a string would be read as SQL. mysqldump writes one row
    /// (MariaDB) or one INSERT of about 1 MiB (MySQL) to a line.
    /// </summary>
    internal const long LineLimit = 256L << 20;

    private const int ExcerptLength = 60;
    private readonly byte[] _live = Encoding.UTF8.GetBytes(livePrefix);
    private readonly byte[] _staging = Encoding.UTF8.GetBytes(stagingPrefix);
    private readonly List<string> _tables = [];
    private readonly SortedSet<string> _skipped = new(StringComparer.Ordinal);
    private readonly List<string> _renamedForeignKeys = [];
    private long _lineLength;
    private DumpRows? _rows;
    private bool _rowsKept;
    private string _rowsTable = "";

    /// <summary>The site's tables the dump creates, by their live names.</summary>
    public IReadOnlyList<string> Tables => _tables;

    /// <summary>Tables in the dump without the site's prefix, left out.</summary>
    public IReadOnlyCollection<string> Skipped => _skipped;

    /// <summary>Foreign keys that get a name of InnoDB's kind (<see cref="ForeignKeyNames"/>): "old name of table (now &lt;table&gt;_ibfk_N)".</summary>
    public IReadOnlyList<string> RenamedForeignKeys => _renamedForeignKeys;

    /// <summary>Copies <paramref name="input"/> to <paramref name="output"/>, renamed; <paramref name="progress"/> gets the bytes read.</summary>
    /// <exception cref="ModuleFailedException">
    /// The dump holds something mysqldump does not write, or ends inside a statement. What went to
    /// <paramref name="output"/> before is whole statements and a valid start of one; the caller
    /// must stop the client before it reads an end of input, at which it would run that start.
    /// </exception>
    public async Task CopyAsync(Stream input, Stream output, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var window = new DumpWindow(input, StatementLimit);
        var written = new ArrayBufferWriter<byte>(StatementLimit);
        while (await window.FillAsync(cancellationToken).ConfigureAwait(false))
        {
            progress?.Report(window.Read);
            Filter(window, written);
            await output.WriteAsync(written.WrittenMemory, cancellationToken).ConfigureAwait(false);
            written.ResetWrittenCount();
        }

        if (_rows is not null)
        {
            // The last read filled the window without reaching the end, and the next found nothing more.
            throw Refusal(window.Offset, new DumpSyntaxException(0, "rows the dump ends inside"), default);
        }
    }

    // Reads on as far as the window allows, writing what passes to written.
    private void Filter(DumpWindow window, ArrayBufferWriter<byte> written)
    {
        while (true)
        {
            var text = window.Text;
            if (_rows is not null)
            {
                var length = Refusing(window, default, () => _rows.Read(window.Text, window.Final));
                if (_rowsKept)
                {
                    Emit(written, text[..length], window.Offset);
                }

                window.Advance(length);
                if (!_rows.Done)
                {
                    return;
                }

                _rows = null;
                continue;
            }

            if (text.IsEmpty || !window.Ready)
            {
                return;
            }

            var trivia = Refusing(window, window.Text, () => new DumpStatementParser(window.Text, window.Final, atDumpStart: window.Offset == 0).Trivia());
            if (trivia > 0)
            {
                Emit(written, text[..trivia], window.Offset);
                window.Advance(trivia);
                continue;
            }

            var statement = Refusing(window, window.Text, () => new DumpStatementParser(window.Text, window.Final).Statement());
            Write(text[..statement.Length], statement, window.Offset, written);
            window.Advance(statement.Length);
        }
    }

    // Writes what passed, counting the line it is on as the client will see it (statements left
    // out join the lines around them).
    private void Emit(ArrayBufferWriter<byte> written, ReadOnlySpan<byte> passed, long at)
    {
        var newline = passed.LastIndexOf((byte)'\n');
        _lineLength = newline < 0 ? _lineLength + passed.Length : passed.Length - newline - 1;
        if (_lineLength > lineLimit)
        {
            throw Refusal(at, new DumpSyntaxException(0, $"a line longer than {lineLimit:N0} bytes"), default);
        }

        written.Write(passed);
    }

    private void Write(ReadOnlySpan<byte> text, DumpStatement statement, long at, ArrayBufferWriter<byte> written)
    {
        if (statement.Kind == DumpStatementKind.Omitted)
        {
            return;
        }

        if (statement.Table == default)
        {
            Emit(written, text, at);
            return;
        }

        var table = Name(text, statement.Table, at);
        var kept = IsSites(table);
        if (statement.Kind == DumpStatementKind.Insert)
        {
            _rows = new DumpRows();
            _rowsKept = kept;
            _rowsTable = Encoding.UTF8.GetString(table);
        }

        if (!kept)
        {
            _skipped.Add(Encoding.UTF8.GetString(table));
            return;
        }

        if (statement.Kind == DumpStatementKind.CreateTable)
        {
            _tables.Add(Encoding.UTF8.GetString(table));
        }

        // The table's name, and those its foreign keys name, each under the staging prefix; and
        // the names of its foreign keys (and MySQL's checks), which are the database's and would
        // clash with the live table's.
        var staged = Renamed(table);
        List<(DumpToken Token, byte[] Text)> edits = [(statement.Table, Quote(staged))];
        foreach (var name in statement.References)
        {
            var referenced = Name(text, name, at);
            if (!IsSites(referenced))
            {
                // It would hold rows of a table the restore does not own (RESTRICT: never deleted).
                throw Refusal(at + name.Start, new DumpSyntaxException(name.Start, "a foreign key to a table without the site's prefix"), text);
            }

            edits.Add((name, Quote(Renamed(referenced))));
        }

        List<byte[]> keyNames = [];
        foreach (var name in statement.ForeignKeys)
        {
            keyNames.Add(Name(text, name, at));
        }

        var keys = new ForeignKeyNames(table, staged, keyNames);
        for (var i = 0; i < keyNames.Count; i++)
        {
            edits.Add((statement.ForeignKeys[i], Quote(keys.Staged(i))));
        }

        _renamedForeignKeys.AddRange(keys.Renamed);
        foreach (var name in statement.Checks)
        {
            // MySQL names a check <table>_chk_<n>, unique in the database, and renames it with its table.
            var check = Name(text, name, at);
            byte[] own = [.. table, .. "_chk_"u8];
            if (check.AsSpan().StartsWith(own))
            {
                edits.Add((name, Quote([.. staged, .. check.AsSpan(table.Length)])));
            }
        }

        var from = 0;
        foreach (var (token, replacement) in edits.OrderBy(edit => edit.Token.Start))
        {
            Emit(written, text[from..token.Start], at);
            Emit(written, replacement, at);
            from = token.End;
        }

        Emit(written, text[from..], at);
    }

    // A name in backticks, as the server reads it; one no site would have (control characters, bytes
    // that are not UTF-8) is refused rather than carried into the job's log.
    private byte[] Name(ReadOnlySpan<byte> text, DumpToken token, long at)
    {
        var quoted = text.Slice(token.Start, token.Length)[1..^1];
        if (!Utf8.IsValid(quoted) || quoted.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0 || quoted.IndexOf((byte)0x7F) >= 0)
        {
            throw Refusal(at + token.Start, new DumpSyntaxException(token.Start, "a name with control characters or bytes that are not UTF-8"), text);
        }

        return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(quoted).Replace("``", "`", StringComparison.Ordinal));
    }

    // Whether a table is the site's. Without regard to case: with lower_case_table_names set, the
    // server reads WP_users as wp_users, and a name so close to the site's is the site's anyway.
    private bool IsSites(byte[] table) => table.Length >= _live.Length && Ascii.EqualsIgnoreCase(table.AsSpan(0, _live.Length), _live);

    private byte[] Renamed(byte[] table) => [.. _staging, .. table.AsSpan(_live.Length)];

    private static byte[] Quote(byte[] name) => Encoding.UTF8.GetBytes("`" + Encoding.UTF8.GetString(name).Replace("`", "``", StringComparison.Ordinal) + "`");

    // Runs a read of the window, turning what it refuses into the message the restore fails with;
    // statement is where the statement read starts, or empty while rows are read.
    private T Refusing<T>(DumpWindow window, ReadOnlySpan<byte> statement, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (DumpSyntaxException refused)
        {
            throw Refusal(window.Offset + refused.Position, refused, statement);
        }
    }

    private ModuleFailedException Refusal(long at, DumpSyntaxException refused, ReadOnlySpan<byte> statement)
    {
        var head = Excerpt(statement);
        if (TriggerViewOrRoutine().IsMatch(head))
        {
            return new ModuleFailedException("The database dump holds triggers, views or routines, which name tables inside their bodies; this restore does not rename those. "
                + "Nothing of them was run and the live tables were not touched. Restore the dump by hand (docs/jobs.md, \"The bundle\").");
        }

        var where = statement.IsEmpty ? $"in the rows of `{_rowsTable}`" : $"in \"{head}\"";
        return new ModuleFailedException(
            string.Create(CultureInfo.InvariantCulture, $"The database dump was refused at byte {at:N0} ({where}): {refused.Reason}. ")
            + "A restore runs only the statements mysqldump writes, on the site's own tables; nothing from there on was run and the live tables were not touched. "
            + "If the bundle's dump is one you trust, restore it by hand (docs/jobs.md, \"The bundle\").");
    }

    // The start of the statement, printable ASCII only, for the message.
    private static string Excerpt(ReadOnlySpan<byte> statement)
    {
        var text = new StringBuilder(ExcerptLength);
        var space = false;
        foreach (var b in statement[..Math.Min(statement.Length, ExcerptLength * 2)])
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                space = text.Length > 0;
                continue;
            }

            if (space)
            {
                text.Append(' ');
                space = false;
            }

            text.Append(b is >= 0x21 and < 0x7F ? (char)b : '?');
            if (text.Length >= ExcerptLength)
            {
                text.Append('…');
                break;
            }
        }

        return text.ToString();
    }

    [GeneratedRegex(@"^(/\*!5000[13] |DELIMITER |CREATE (ALGORITHM|DEFINER|TRIGGER|VIEW|PROCEDURE|FUNCTION|EVENT)\b)")]
    private static partial Regex TriggerViewOrRoutine();
}
