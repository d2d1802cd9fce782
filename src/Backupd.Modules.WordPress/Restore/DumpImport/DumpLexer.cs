using System.Buffers;
using System.Collections.Frozen;
using System.Text;

namespace Backupd.Modules.WordPress.Restore.DumpImport;

/// <summary>What a piece of a dump's text is.</summary>
internal enum DumpTokenKind
{
    /// <summary>The end of the text given.</summary>
    End,

    /// <summary>Spaces, tabs and line breaks.</summary>
    Space,

    /// <summary><c>-- </c> to the end of its line.</summary>
    LineComment,

    /// <summary>The line newer MariaDB dumps open with, asking their own client for its sandbox.</summary>
    SandboxLine,

    /// <summary>A keyword or an unquoted name.</summary>
    Word,

    /// <summary>A decimal or <c>0x</c> hexadecimal number, without its sign.</summary>
    Number,

    /// <summary>A name in backticks.</summary>
    Identifier,

    /// <summary>A string in single quotes.</summary>
    String,

    /// <summary><c>@name</c> or <c>@@name</c>.</summary>
    Variable,

    /// <summary>One of <c>( ) , = . + - * / &lt; &gt; ! % &amp; | ^ ~</c>.</summary>
    Punctuation,

    /// <summary>The end of a statement.</summary>
    Semicolon,

    /// <summary><c>/*!NNNNN</c> or <c>/*M!NNNNNN</c>: what follows runs on servers of that version or later.</summary>
    ConditionalOpen,

    /// <summary>The <c>*/</c> closing a conditional comment.</summary>
    ConditionalClose,
}

/// <summary>A piece of a dump's text, by where it is.</summary>
internal readonly record struct DumpToken(DumpTokenKind Kind, int Start, int Length)
{
    public int End => Start + Length;
}

/// <summary>
/// Splits a dump's text the way the mysql client and the server both would, and refuses
/// whatever the two could read differently: double quotes (a name or a string, by SQL mode),
/// <c>#</c> and <c>/* */</c> comments, a backslash outside a string (a client command), control
/// characters, <c>--</c> not followed by a space, a <c>;</c> or a <c>*/</c> inside a string
/// inside a conditional comment (an older server skips such a comment to its first <c>*/</c>).
/// Whatever passes here ends its statements where the client does.
/// </summary>
internal ref struct DumpLexer
{
    /// <summary>What MariaDB 10.11.8 and later writes first; its client reads it, the server never sees it.</summary>
    internal static ReadOnlySpan<byte> SandboxLine => "/*M!999999\\- enable the sandbox mode */"u8;

    private static readonly SearchValues<byte> Spaces = SearchValues.Create(" \t\r\n"u8);
    internal static readonly SearchValues<byte> StringStops = SearchValues.Create("'\\\0\n\r"u8);
    private static readonly SearchValues<byte> NameStops = SearchValues.Create("`\0\n\r"u8);
    internal static readonly SearchValues<byte> WordBytes = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$"u8);
    private static readonly SearchValues<byte> VariableBytes = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$."u8);
    private static readonly SearchValues<byte> Digits = SearchValues.Create("0123456789"u8);
    internal static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);
    private static readonly FrozenSet<string> ClientCommands = new[]
    {
        "clear", "connect", "delimiter", "edit", "ego", "exit", "go", "help", "nopager", "notee", "nowarning", "pager", "print",
        "prompt", "quit", "rehash", "source", "status", "system", "tee", "use", "charset", "warnings", "resetconnection", "sandbox",
        "query_attributes", "ssl_session_data_print",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly SearchValues<byte> PunctuationBytes = SearchValues.Create("(),=.+-*/<>!%&|^~"u8);

    private readonly ReadOnlySpan<byte> _text;
    private readonly bool _final;
    private readonly bool _atDumpStart;

    /// <param name="text">From the start of a statement (or of what comes between statements).</param>
    /// <param name="final">Whether <paramref name="text"/> runs to the end of the dump.</param>
    /// <param name="atDumpStart">Whether <paramref name="text"/> starts where the dump does.</param>
    public DumpLexer(ReadOnlySpan<byte> text, bool final, bool atDumpStart = false)
    {
        _text = text;
        _final = final;
        _atDumpStart = atDumpStart;
    }

    /// <summary>Where the next token starts.</summary>
    public int Position { get; private set; }

    /// <summary>
    /// Whether a quoted string or name may hold a line break. The client drops the line break
    /// after a line that starts with "delimiter", inside quotes or not, and joins the next line on,
    /// so a quoted line break let a dump have the server read other SQL than was checked;
    /// mysqldump writes \n and \r instead. Only for statements that are never sent.
    /// </summary>
    public bool LineBreaksInQuotes { get; set; }

    /// <summary>Whether the text so far opened a conditional comment it has not closed.</summary>
    public bool InConditional { get; private set; }

    /// <summary>Where the lexer is, to come back to after a look ahead.</summary>
    public readonly (int Position, bool InConditional) Mark => (Position, InConditional);

    public void Reset((int Position, bool InConditional) mark) => (Position, InConditional) = mark;

    /// <summary>The next token; <see cref="DumpTokenKind.End"/> at the end of the text.</summary>
    /// <exception cref="DumpSyntaxException">What comes next is refused, or is cut off by the end of the text.</exception>
    public DumpToken Next()
    {
        var start = Position;
        if (start >= _text.Length)
        {
            return new DumpToken(DumpTokenKind.End, start, 0);
        }

        var token = _text[start] switch
        {
            (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' => new DumpToken(DumpTokenKind.Space, start, RunLength(start, Spaces)),
            (byte)'-' when ByteAt(start + 1) == '-' => LineComment(start),
            (byte)'/' when ByteAt(start + 1) == '*' => Comment(start),
            (byte)'*' when ByteAt(start + 1) == '/' => ConditionalClose(start),
            (byte)'\'' => Quoted(start, DumpTokenKind.String, (byte)'\''),
            (byte)'`' => Quoted(start, DumpTokenKind.Identifier, (byte)'`'),
            (byte)'@' => Variable(start),
            (byte)';' when InConditional => throw new DumpSyntaxException(start, "a ';' inside a conditional comment"),
            (byte)';' => new DumpToken(DumpTokenKind.Semicolon, start, 1),
            >= (byte)'0' and <= (byte)'9' => Number(start),
            var c when WordBytes.Contains(c) => Word(start),
            var c when PunctuationBytes.Contains(c) => new DumpToken(DumpTokenKind.Punctuation, start, 1),
            (byte)'"' => throw new DumpSyntaxException(start, "a double-quoted string or name"),
            (byte)'#' => throw new DumpSyntaxException(start, "a '#' comment"),
            (byte)'\\' => throw new DumpSyntaxException(start, "a backslash outside a string (a mysql client command)"),
            var c => throw new DumpSyntaxException(start, $"the byte 0x{c:X2}"),
        };
        Position = token.End;
        return token;
    }

    // Whether only spaces and tabs stand between the last line break and start (the start of the
    // text is a statement's, which the statement's grammar decides about).
    private readonly bool AtLineStart(int start)
    {
        var before = _text[..start].LastIndexOfAnyExcept(" \t"u8);
        return before >= 0 && _text[before] == '\n';
    }

    private readonly int ByteAt(int index) => index < _text.Length ? _text[index] : -1;

    // How many bytes from start are of the set; a run reaching the end is cut off unless the text is final.
    private readonly int RunLength(int start, SearchValues<byte> values)
    {
        var length = _text[start..].IndexOfAnyExcept(values);
        if (length >= 0)
        {
            return length;
        }

        CutOff(start);
        return _text.Length - start;
    }

    private readonly void CutOff(int start)
    {
        if (!_final)
        {
            throw new DumpSyntaxException(start, "a statement longer than the import reads ahead");
        }
    }

    private readonly DumpToken LineComment(int start)
    {
        if (InConditional)
        {
            throw new DumpSyntaxException(start, "a comment inside a conditional comment");
        }

        // The client counts "--" as a comment only when a space follows; the server also when a
        // control character does. Nothing else is let through, so the two never disagree.
        var after = ByteAt(start + 2);
        if (after == -1)
        {
            CutOff(start);
        }
        else if (after is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            throw new DumpSyntaxException(start, "'--' without a space after it");
        }

        var newline = _text[start..].IndexOf((byte)'\n');
        if (newline >= 0)
        {
            return new DumpToken(DumpTokenKind.LineComment, start, newline + 1);
        }

        CutOff(start);
        return new DumpToken(DumpTokenKind.LineComment, start, _text.Length - start);
    }

    private DumpToken Comment(int start)
    {
        var rest = _text[start..];
        if (rest.StartsWith(SandboxLine))
        {
            // Where mysqldump writes it, alone on the first line: a client that knows it may pass
            // over its whole line, which must then hold nothing else.
            var after = rest[SandboxLine.Length..];
            var end = after.IndexOfAnyExcept(" \t\r"u8);
            if (start != 0 || !_atDumpStart || (end >= 0 ? after[end] != '\n' : !_final))
            {
                throw new DumpSyntaxException(start, "the sandbox line anywhere but alone on the dump's first line");
            }

            return new DumpToken(DumpTokenKind.SandboxLine, start, SandboxLine.Length);
        }

        if (rest.Length < SandboxLine.Length && SandboxLine.StartsWith(rest))
        {
            CutOff(start);
        }

        var marker = rest.StartsWith("/*!"u8) ? 3 : rest.StartsWith("/*M!"u8) ? 4 : 0;
        if (marker == 0)
        {
            throw new DumpSyntaxException(start, "a '/*' comment");
        }

        if (InConditional)
        {
            throw new DumpSyntaxException(start, "a conditional comment inside another");
        }

        var digits = rest[marker..].IndexOfAnyExcept(Digits);
        if (digits < 0)
        {
            CutOff(start);
            throw new DumpSyntaxException(start, "a conditional comment cut off");
        }

        // mysqldump always names the version, in the digits each server reads (MySQL takes a
        // sixth digit after /*! as the comment's first character), and a space follows it.
        if (digits != (marker == 3 ? 5 : 6) || rest[marker + digits] is not ((byte)' ' or (byte)'\n'))
        {
            throw new DumpSyntaxException(start, "a conditional comment without a version");
        }

        InConditional = true;
        return new DumpToken(DumpTokenKind.ConditionalOpen, start, marker + digits);
    }

    private DumpToken ConditionalClose(int start)
    {
        if (!InConditional)
        {
            throw new DumpSyntaxException(start, "a '*/' outside a comment");
        }

        InConditional = false;
        return new DumpToken(DumpTokenKind.ConditionalClose, start, 2);
    }

    // A string (backslash escapes, '' doubled) or a name in backticks (`` doubled, backslash plain).
    private readonly DumpToken Quoted(int start, DumpTokenKind kind, byte quote)
    {
        var escapes = kind == DumpTokenKind.String;
        var index = start + 1;
        while (true)
        {
            var stop = _text[index..].IndexOfAny(escapes ? StringStops : NameStops);
            if (stop < 0)
            {
                CutOff(start);
                throw new DumpSyntaxException(start, "a quoted string or name the dump ends inside");
            }

            index += stop;
            RefuseInQuotes(index);
            if (_text[index] is (byte)'\n' or (byte)'\r')
            {
                index++;
                continue;
            }

            var follows = ByteAt(index + 1);
            if (follows == -1 && !_final)
            {
                // Whether an escape's byte or a second quote follows is in text not read yet.
                CutOff(start);
            }

            if (_text[index] == '\\')
            {
                if (follows == -1)
                {
                    throw new DumpSyntaxException(start, "a quoted string or name the dump ends inside");
                }

                RefuseInQuotes(index + 1);
                index += 2;
                continue;
            }

            if (follows == quote)
            {
                index += 2;
                continue;
            }

            var token = new DumpToken(kind, start, index + 1 - start);
            var inside = _text.Slice(start, token.Length);
            if (InConditional && (inside.IndexOf("*/"u8) >= 0 || inside.IndexOf("/*"u8) >= 0))
            {
                throw new DumpSyntaxException(start, "a comment marker quoted inside a conditional comment");
            }

            return token;
        }
    }

    // A NUL (a client reading it as the end of its line would split the statement elsewhere), or a
    // line break (see LineBreaksInQuotes), inside quotes: mysqldump writes \0, \n and \r.
    private readonly void RefuseInQuotes(int index) => RefuseInQuotes(_text[index], index, LineBreaksInQuotes);

    /// <summary>Refuses a byte inside a quoted string or name that mysqldump would have escaped.</summary>
    internal static void RefuseInQuotes(byte b, int index, bool lineBreaks)
    {
        switch (b)
        {
            case 0:
                throw new DumpSyntaxException(index, "a NUL byte");
            case (byte)'\n' or (byte)'\r' when !lineBreaks:
                throw new DumpSyntaxException(index, "a line break inside quotes (mysqldump writes \\n)");
        }
    }

    private readonly DumpToken Word(int start)
    {
        var token = new DumpToken(DumpTokenKind.Word, start, RunLength(start, WordBytes));
        if (AtLineStart(start) && ClientCommands.Contains(Encoding.ASCII.GetString(_text.Slice(start, token.Length))))
        {
            // With named-commands (pinned off, but a node's option files could say otherwise) the
            // client obeys these at the start of any line; mysqldump starts none with them.
            throw new DumpSyntaxException(start, "a mysql client command's name at the start of a line");
        }

        // The client reads a line starting with it as its command, whatever statement it is in, and
        // joins the next line on; mysqldump puts every name in backticks, so none is bare.
        return token.Length >= 9 && Ascii.EqualsIgnoreCase(_text.Slice(start, 9), "delimiter"u8)
            ? throw new DumpSyntaxException(start, "the word DELIMITER outside quotes (a mysql client command)")
            : token;
    }

    private readonly DumpToken Variable(int start)
    {
        var sigils = ByteAt(start + 1) == '@' ? 2 : 1;
        var name = RunLength(start + sigils, VariableBytes);
        if (name == 0)
        {
            throw new DumpSyntaxException(start, "an '@' without a variable name");
        }

        return new DumpToken(DumpTokenKind.Variable, start, sigils + name);
    }

    // 0x1F, 12, 1.5, 1.5e-10; the sign is a punctuation token of its own.
    private readonly DumpToken Number(int start)
    {
        int end;
        // Only a lower-case x: servers read 0X41 as a name.
        if (_text[start] == '0' && ByteAt(start + 1) == 'x')
        {
            end = start + 2 + RunLength(start + 2, HexDigits);
            if (end == start + 2)
            {
                throw new DumpSyntaxException(start, "'0x' without digits");
            }
        }
        else
        {
            end = start + RunLength(start, Digits);
            if (ByteAt(end) == '.')
            {
                end += 1 + RunLength(end + 1, Digits);
            }

            if (ByteAt(end) is 'e' or 'E')
            {
                var sign = ByteAt(end + 1) is '+' or '-' ? 1 : 0;
                var exponent = RunLength(end + 1 + sign, Digits);
                if (exponent == 0)
                {
                    throw new DumpSyntaxException(start, "a number with an empty exponent");
                }

                end += 1 + sign + exponent;
            }
        }

        if (end == _text.Length)
        {
            CutOff(start);
        }
        else if (WordBytes.Contains(_text[end]))
        {
            throw new DumpSyntaxException(start, "a name starting with a digit");
        }

        return new DumpToken(DumpTokenKind.Number, start, end - start);
    }
}
