using System.Text;

namespace Backupd.Modules.WordPress.Restore.DumpImport;

/// <summary>The statements a mysqldump file is made of.</summary>
internal enum DumpStatementKind
{
    /// <summary>A lone <c>;</c>.</summary>
    Empty,

    /// <summary>
    /// What MySQL's mysqldump writes for a server with GTIDs (the binary log off for the session,
    /// GTID_PURGED): it takes privileges a site's user lacks and means nothing to a restore, so
    /// it is left out, never sent.
    /// </summary>
    Omitted,

    /// <summary><c>SET</c> of the session settings mysqldump saves, changes and puts back.</summary>
    Settings,

    /// <summary><c>UNLOCK TABLES</c>.</summary>
    UnlockTables,

    /// <summary><c>COMMIT</c>, after a table's rows when the dump turns autocommit off (MariaDB 11.8 and later do).</summary>
    Commit,

    /// <summary><c>DROP TABLE IF EXISTS `t`</c>.</summary>
    DropTable,

    /// <summary><c>CREATE TABLE `t` (…) options</c>.</summary>
    CreateTable,

    /// <summary><c>LOCK TABLES `t` WRITE</c>.</summary>
    LockTable,

    /// <summary><c>ALTER TABLE `t` DISABLE KEYS</c> or <c>ENABLE KEYS</c>.</summary>
    AlterKeys,

    /// <summary><c>INSERT INTO `t` VALUES</c>, its rows read on by <see cref="DumpRows"/>.</summary>
    Insert,
}

/// <summary>
/// One statement of a dump: how long it is (for an INSERT, up to its rows), the table it is about,
/// the tables its foreign keys name, and the names of its foreign keys and check constraints.
/// </summary>
internal sealed record DumpStatement(
    DumpStatementKind Kind, int Length, DumpToken Table, IReadOnlyList<DumpToken> References, IReadOnlyList<DumpToken> ForeignKeys, IReadOnlyList<DumpToken> Checks)
{
    public DumpStatement(DumpStatementKind kind, int length, DumpToken table)
        : this(kind, length, table, [], [], [])
    {
    }
}

/// <summary>
/// Reads one statement from the start of a dump's text and accepts it only if it is one mysqldump
/// writes, on a single table named without its database. A CREATE TABLE may hold any column
/// definition, but no query (<c>SELECT</c>, <c>LIKE</c>), no file (<c>LOAD_FILE</c>,
/// <c>DATA DIRECTORY</c>), no other server or table (<c>CONNECTION</c>, <c>UNION</c>), no
/// partitions, and only a storage engine that keeps its rows in the server's own files.
/// A conditional comment (<c>/*!40101 … */</c>, which a server older than its version, or of
/// the other kind, skips) is accepted only where mysqldump writes one: around a whole SET or
/// ALTER TABLE … KEYS, and around a column's INVISIBLE, NOT ENFORCED or SRID; anywhere else the
/// statement a server runs could differ from the one read here.
/// </summary>
internal ref struct DumpStatementParser
{
    private static readonly string[] Engines = ["InnoDB", "MyISAM", "Aria", "MEMORY", "HEAP", "ARCHIVE", "CSV", "BLACKHOLE"];
    private static readonly string[] RefusedInTable =
    [
        "SELECT", "LOAD_FILE", "SLEEP", "BENCHMARK", "UNION", "CONNECTION", "DIRECTORY", "PARTITION", "TABLE", "VALUES",
        // Sequences: a default could advance one the restore does not own.
        "NEXTVAL", "LASTVAL", "SETVAL", "NEXT", "PREVIOUS",
        // Who and where the import runs: a default would write it into the site's content.
        "USER", "CURRENT_USER", "SESSION_USER", "SYSTEM_USER", "CURRENT_ROLE", "DATABASE", "SCHEMA", "VERSION", "CONNECTION_ID",
    ];

    private static readonly string[] TableOptions =
    [
        "ENGINE", "AUTO_INCREMENT", "CHARSET", "COLLATE", "COMMENT", "ROW_FORMAT", "STATS_PERSISTENT", "STATS_AUTO_RECALC",
        "STATS_SAMPLE_PAGES", "KEY_BLOCK_SIZE", "PAGE_CHECKSUM", "TRANSACTIONAL", "MAX_ROWS", "MIN_ROWS", "AVG_ROW_LENGTH",
        "PACK_KEYS", "CHECKSUM", "DELAY_KEY_WRITE", "PAGE_COMPRESSED", "PAGE_COMPRESSION_LEVEL", "COMPRESSION",
    ];

    private static readonly string[] KeyWords = ["KEY", "INDEX", "UNIQUE", "FULLTEXT", "SPATIAL"];

    private readonly ReadOnlySpan<byte> _text;
    private DumpLexer _lexer;

    /// <param name="text">From the start of a statement, or of what may come between statements.</param>
    /// <param name="final">Whether <paramref name="text"/> runs to the end of the dump.</param>
    /// <param name="atDumpStart">Whether <paramref name="text"/> starts where the dump does.</param>
    public DumpStatementParser(ReadOnlySpan<byte> text, bool final, bool atDumpStart = false)
    {
        _text = text;
        _lexer = new DumpLexer(text, final, atDumpStart);
    }

    /// <summary>How many bytes at the start are comments, line breaks and the sandbox line.</summary>
    public int Trivia()
    {
        while (true)
        {
            var mark = _lexer.Mark;
            if (_lexer.Next().Kind is not (DumpTokenKind.Space or DumpTokenKind.LineComment or DumpTokenKind.SandboxLine))
            {
                _lexer.Reset(mark);
                return mark.Position;
            }
        }
    }

    /// <summary>The statement at the start of the text.</summary>
    /// <exception cref="DumpSyntaxException">It is not one mysqldump writes, or is cut off.</exception>
    public DumpStatement Statement()
    {
        var first = Next();
        if (first.Kind == DumpTokenKind.Semicolon)
        {
            return new DumpStatement(DumpStatementKind.Empty, first.End, default);
        }

        // Around a whole statement, only of the kinds mysqldump wraps: a server that skips the
        // comment skips the statement.
        var wrapped = first.Kind == DumpTokenKind.ConditionalOpen;
        if (wrapped)
        {
            first = Next();
            if (!Is(first, "SET") && !Is(first, "ALTER"))
            {
                throw Refuse(first, "a conditional comment around a statement other than SET or ALTER TABLE … KEYS");
            }
        }

        if (first.Kind != DumpTokenKind.Word)
        {
            throw Refuse(first, "a statement of a kind mysqldump never writes");
        }

        if (Is(first, "SET"))
        {
            if (!wrapped && Omitted() is { } omitted)
            {
                return omitted;
            }

            do
            {
                Setting();
            }
            while (NextIfPunctuation(','));

            return End(DumpStatementKind.Settings, default, wrapped);
        }

        if (Is(first, "COMMIT"))
        {
            return End(DumpStatementKind.Commit, default, wrapped);
        }

        if (Is(first, "UNLOCK"))
        {
            ExpectWord("TABLES");
            return End(DumpStatementKind.UnlockTables, default, wrapped);
        }

        if (Is(first, "DROP"))
        {
            ExpectWord("TABLE");
            ExpectWord("IF");
            ExpectWord("EXISTS");
            return End(DumpStatementKind.DropTable, TableName(), wrapped);
        }

        if (Is(first, "LOCK"))
        {
            ExpectWord("TABLES");
            var table = TableName();
            ExpectWord("WRITE");
            return End(DumpStatementKind.LockTable, table, wrapped);
        }

        if (Is(first, "ALTER"))
        {
            ExpectWord("TABLE");
            var table = TableName();
            var keys = Next();
            if (!Is(keys, "DISABLE") && !Is(keys, "ENABLE"))
            {
                throw Refuse(keys, "an ALTER TABLE other than DISABLE KEYS or ENABLE KEYS");
            }

            ExpectWord("KEYS");
            return End(DumpStatementKind.AlterKeys, table, wrapped);
        }

        if (Is(first, "INSERT") || Is(first, "REPLACE"))
        {
            return Insert(first);
        }

        if (Is(first, "CREATE"))
        {
            ExpectWord("TABLE");
            return CreateTable(TableName());
        }

        throw Refuse(first, "a statement of a kind mysqldump never writes");
    }

    // SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN, SET @@SESSION.SQL_LOG_BIN = 0 (and back),
    // SET @@GLOBAL.GTID_PURGED = /*!80000 '+'*/ '…': left out whole, so what they hold does not matter.
    private DumpStatement? Omitted()
    {
        var mark = _lexer.Mark;
        var target = Next();
        var name = target.Kind == DumpTokenKind.Variable ? Text(target) : "";
        if (!name.Equals("@MYSQLDUMP_TEMP_LOG_BIN", StringComparison.OrdinalIgnoreCase)
            && !name.Equals("@@SESSION.SQL_LOG_BIN", StringComparison.OrdinalIgnoreCase)
            && !name.Equals("@@GLOBAL.GTID_PURGED", StringComparison.OrdinalIgnoreCase))
        {
            _lexer.Reset(mark);
            return null;
        }

        // GTID_PURGED lists its sets over several lines.
        _lexer.LineBreaksInQuotes = true;
        var token = Next();
        while (token.Kind != DumpTokenKind.Semicolon)
        {
            token = Next();
        }

        return new DumpStatement(DumpStatementKind.Omitted, token.End, default);
    }

    private DumpStatement Insert(DumpToken first)
    {
        var into = Next();
        if (Is(first, "INSERT") && Is(into, "IGNORE"))
        {
            into = Next();
        }

        if (!Is(into, "INTO"))
        {
            throw Refuse(into, "an INSERT without INTO");
        }

        var table = TableName();
        var values = Next();
        if (IsPunctuation(values, '('))
        {
            // Column names (mysqldump --complete-insert).
            do
            {
                Expect(DumpTokenKind.Identifier, "a column name");
            }
            while (NextIfPunctuation(','));

            ExpectPunctuation(')');
            values = Next();
        }

        if (!Is(values, "VALUES"))
        {
            throw Refuse(values, "an INSERT of anything but rows of values");
        }

        return new DumpStatement(DumpStatementKind.Insert, values.End, table);
    }

    private DumpStatement CreateTable(DumpToken table)
    {
        var open = Next();
        if (!IsPunctuation(open, '('))
        {
            throw Refuse(open, "a CREATE TABLE without its columns");
        }

        List<DumpToken> references = [];
        List<DumpToken> foreignKeys = [];
        List<DumpToken> checks = [];
        var depth = 1;
        var previous = open;

        // Whether a key's columns come next, and the depth of the parentheses holding them.
        var keyNamed = false;
        var keyColumns = 0;
        var token = Next();
        if (Is(token, "LIKE"))
        {
            throw Refuse(token, "CREATE TABLE … LIKE");
        }

        // The columns, keys and constraints, to the parenthesis that closes them.
        while (depth > 0)
        {
            switch (token.Kind)
            {
                case DumpTokenKind.Punctuation when IsPunctuation(token, '('):
                    depth++;
                    keyColumns = keyNamed ? depth : keyColumns;
                    break;
                case DumpTokenKind.Punctuation when IsPunctuation(token, ')'):
                    keyColumns = depth == keyColumns ? 0 : keyColumns;
                    depth--;
                    break;
                case DumpTokenKind.Word when Is(token, "REFERENCES"):
                    references.Add(TableName());
                    break;
                case DumpTokenKind.Word when Is(token, "CONSTRAINT"):
                    // mysqldump names every constraint, in backticks; what it is follows at once.
                    var name = Expect(DumpTokenKind.Identifier, "a constraint's name in backticks");
                    var named = _lexer.Mark;
                    var kind = Next();
                    if (Is(kind, "FOREIGN"))
                    {
                        foreignKeys.Add(name);
                    }
                    else if (Is(kind, "CHECK"))
                    {
                        checks.Add(name);
                    }
                    else if (!Is(kind, "PRIMARY") && !Is(kind, "UNIQUE"))
                    {
                        throw Refuse(kind, "FOREIGN, CHECK, PRIMARY or UNIQUE expected");
                    }

                    _lexer.Reset(named);
                    break;
                case DumpTokenKind.Punctuation when IsPunctuation(token, '.'):
                    throw Refuse(token, "a name qualified by another inside a CREATE TABLE");
                case DumpTokenKind.Word:
                    RefuseIfIn(token, RefusedInTable);
                    break;
                case DumpTokenKind.ConditionalOpen:
                    ColumnAttribute(token);
                    break;
                case DumpTokenKind.Identifier:
                    QuotedNameBeforeParenthesis(token, previous, depth == keyColumns);
                    break;
                case DumpTokenKind.Number or DumpTokenKind.String or DumpTokenKind.Punctuation:
                    break;
                default:
                    throw Refuse(token, "this inside a CREATE TABLE");
            }

            // A key word, then perhaps the key's name, then its columns; anything else in between
            // (a column's PRIMARY KEY, then a comma) is not a key's columns.
            keyNamed = IsAny(token, KeyWords) || (keyNamed && token.Kind == DumpTokenKind.Identifier);
            if (depth > 0)
            {
                previous = token;
                token = Next();
            }
        }

        // The table's options: ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=… COMMENT='…', each one
        // mysqldump writes (no TABLESPACE, which on MySQL puts rows in another's file).
        while (true)
        {
            token = Next();
            if (token.Kind == DumpTokenKind.Semicolon)
            {
                return new DumpStatement(DumpStatementKind.CreateTable, token.End, table, references, foreignKeys, checks);
            }

            if (IsPunctuation(token, ','))
            {
                continue;
            }

            if (Is(token, "WITH"))
            {
                ExpectWord("SYSTEM");
                ExpectWord("VERSIONING");
                continue;
            }

            if (Is(token, "DEFAULT"))
            {
                token = Next();
            }

            if (Is(token, "CHARACTER"))
            {
                ExpectWord("SET");
            }
            else if (!IsAny(token, TableOptions))
            {
                throw Refuse(token, "a table option mysqldump does not write");
            }

            var value = Next();
            if (IsPunctuation(value, '='))
            {
                value = Next();
            }

            if (Is(token, "ENGINE") ? !IsAny(value, Engines) : value.Kind is not (DumpTokenKind.Word or DumpTokenKind.Number or DumpTokenKind.String))
            {
                throw Refuse(value, Is(token, "ENGINE")
                    ? "a storage engine that keeps rows outside the server's own files, or reads other tables"
                    : "a table option's value other than a word, number or string");
            }
        }
    }

    // A name in backticks before '(' is a key's (KEY `k` (…)) or, among a key's columns, a column's
    // with a prefix length (`meta_key`(191)); anything else is a function called by a quoted name,
    // which the server calls as it would unquoted, past the words refused here.
    private void QuotedNameBeforeParenthesis(DumpToken name, DumpToken previous, bool amongKeyColumns)
    {
        var mark = _lexer.Mark;
        if (IsPunctuation(Next(), '(') && !IsAny(previous, KeyWords))
        {
            if (!amongKeyColumns || Next().Kind != DumpTokenKind.Number || !IsPunctuation(Next(), ')'))
            {
                throw Refuse(name, "a function called by a quoted name inside a CREATE TABLE");
            }
        }

        _lexer.Reset(mark);
    }

    // MySQL's /*!80023 INVISIBLE */, /*!80016 NOT ENFORCED */, /*!80003 SRID 4326 */: words that
    // change nothing a server that skips them would read differently.
    private void ColumnAttribute(DumpToken open)
    {
        var word = Next();
        if (Is(word, "NOT"))
        {
            ExpectWord("ENFORCED");
        }
        else if (Is(word, "SRID"))
        {
            Expect(DumpTokenKind.Number, "a number");
        }
        else if (!Is(word, "INVISIBLE"))
        {
            throw Refuse(open, "a conditional comment inside a CREATE TABLE other than INVISIBLE, NOT ENFORCED or SRID");
        }

        Expect(DumpTokenKind.ConditionalClose, "the end of the conditional comment");

        // At the end of its column or constraint, where a server that skips it reads the same definition.
        var mark = _lexer.Mark;
        var follows = Next();
        if (!IsPunctuation(follows, ',') && !IsPunctuation(follows, ')'))
        {
            throw Refuse(open, "a conditional comment inside a CREATE TABLE other than at the end of a column or constraint");
        }

        _lexer.Reset(mark);
    }

    // One "@saved = @@setting", "setting = value", "setting = @saved" or "NAMES charset [COLLATE collation]".
    private void Setting()
    {
        var target = Next();
        if (target.Kind == DumpTokenKind.Variable && !Text(target).StartsWith("@@", StringComparison.Ordinal))
        {
            ExpectPunctuation('=');
            var value = Next();
            var source = Text(value);
            if (value.Kind != DumpTokenKind.Variable || !source.StartsWith("@@", StringComparison.Ordinal) || !DumpSettings.Saves(Text(target)[1..], source[2..]))
            {
                throw Refuse(target, "a user variable set to something other than the setting mysqldump saves in it");
            }

            return;
        }

        // MariaDB 11.8's mysqldump writes SET @OLD_AUTOCOMMIT=@@AUTOCOMMIT, @@AUTOCOMMIT=0.
        var sessionAutocommit = target.Kind == DumpTokenKind.Variable && Text(target).Equals("@@AUTOCOMMIT", StringComparison.OrdinalIgnoreCase);
        if (target.Kind != DumpTokenKind.Word && !sessionAutocommit)
        {
            throw Refuse(target, "a SET of a global or server setting");
        }

        if (Is(target, "NAMES"))
        {
            var characterSet = Next();
            if (characterSet.Kind is not (DumpTokenKind.Word or DumpTokenKind.String) || !DumpSettings.IsCharacterSet(Unquoted(characterSet)))
            {
                throw Refuse(characterSet, "a character set other than utf8mb4, utf8, latin1, ascii or binary");
            }

            var mark = _lexer.Mark;
            var collate = Next();
            if (!Is(collate, "COLLATE"))
            {
                _lexer.Reset(mark);
                return;
            }

            var collation = Next();
            if (collation.Kind is not (DumpTokenKind.Word or DumpTokenKind.String) || !DumpSettings.IsCollation(Unquoted(collation)))
            {
                throw Refuse(collation, "a collation of a character set other than utf8mb4, utf8, latin1, ascii or binary");
            }

            return;
        }

        var setting = sessionAutocommit ? "autocommit" : Text(target);
        ExpectPunctuation('=');
        var given = Next();
        var accepted = given.Kind == DumpTokenKind.Variable
            ? !Text(given).StartsWith("@@", StringComparison.Ordinal) && DumpSettings.Saves(Text(given)[1..], setting)
            : DumpSettings.Accepts(setting, given.Kind, Unquoted(given));
        if (!accepted)
        {
            throw Refuse(target, $"SET {setting} to a value mysqldump does not give it");
        }
    }

    // A table's name, in backticks and without a database before it.
    private DumpToken TableName()
    {
        var name = Expect(DumpTokenKind.Identifier, "a table name in backticks");
        var mark = _lexer.Mark;
        if (IsPunctuation(Next(), '.'))
        {
            throw Refuse(name, "a table of another database");
        }

        _lexer.Reset(mark);
        return name;
    }

    private DumpStatement End(DumpStatementKind kind, DumpToken table, bool wrapped)
    {
        if (wrapped)
        {
            Expect(DumpTokenKind.ConditionalClose, "the end of the conditional comment");
        }

        var end = Expect(DumpTokenKind.Semicolon, "the end of the statement");
        return new DumpStatement(kind, end.End, table);
    }

    // The next token that means something: spaces are passed over.
    private DumpToken Next()
    {
        while (true)
        {
            var token = _lexer.Next();
            switch (token.Kind)
            {
                case DumpTokenKind.Space:
                    continue;
                case DumpTokenKind.End:
                    throw new DumpSyntaxException(token.Start, "a statement the dump ends inside");
                case DumpTokenKind.LineComment or DumpTokenKind.SandboxLine:
                    throw Refuse(token, "a comment inside a statement");
                default:
                    return token;
            }
        }
    }

    private DumpToken Expect(DumpTokenKind kind, string what)
    {
        var token = Next();
        return token.Kind == kind ? token : throw Refuse(token, $"{what} expected");
    }

    private void ExpectWord(string word)
    {
        var token = Next();
        if (!Is(token, word))
        {
            throw Refuse(token, $"{word} expected");
        }
    }

    private void ExpectPunctuation(char punctuation)
    {
        var token = Next();
        if (!IsPunctuation(token, punctuation))
        {
            throw Refuse(token, $"'{punctuation}' expected");
        }
    }

    private bool NextIfPunctuation(char punctuation)
    {
        var mark = _lexer.Mark;
        if (IsPunctuation(Next(), punctuation))
        {
            return true;
        }

        _lexer.Reset(mark);
        return false;
    }

    private readonly void RefuseIfIn(DumpToken word, string[] refused)
    {
        if (IsAny(word, refused))
        {
            throw Refuse(word, $"{Text(word)} in a CREATE TABLE");
        }
    }

    private readonly bool IsAny(DumpToken token, string[] words)
    {
        foreach (var word in words)
        {
            if (Is(token, word))
            {
                return true;
            }
        }

        return false;
    }

    private readonly bool Is(DumpToken token, string word) =>
        token.Kind == DumpTokenKind.Word && Ascii.EqualsIgnoreCase(_text.Slice(token.Start, token.Length), word);

    private readonly bool IsPunctuation(DumpToken token, char punctuation) =>
        token.Kind == DumpTokenKind.Punctuation && _text[token.Start] == punctuation;

    private readonly string Text(DumpToken token) => Encoding.ASCII.GetString(_text.Slice(token.Start, token.Length));

    // A word as it is, a string without its quotes (mysqldump quotes no character in these).
    private readonly string Unquoted(DumpToken token) => token.Kind == DumpTokenKind.String
        ? Encoding.Latin1.GetString(_text.Slice(token.Start + 1, token.Length - 2))
        : Encoding.Latin1.GetString(_text.Slice(token.Start, token.Length));

    private static DumpSyntaxException Refuse(DumpToken token, string what) => new(token.Start, what);
}
