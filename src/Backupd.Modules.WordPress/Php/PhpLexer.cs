using System.Collections.Immutable;

namespace Backupd.Modules.WordPress.Php;

/// <summary>
/// Splits PHP source into tokens, as far as reading configuration needs: strings, names,
/// variables and symbols, with comments and text outside <c>&lt;?php … ?&gt;</c> dropped. It never
/// runs anything; a define inside a comment or a string is not a define.
/// </summary>
internal sealed class PhpLexer
{
    // Longest first, so ".=" is never read as "." then "=".
    private static readonly ImmutableArray<string> Symbols =
    [
        "<=>", "===", "!==", "**=", "...", "<<=", ">>=", "??=", "?->",
        "==", "!=", "<>", "<=", ">=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=", ".=", "%=",
        "&=", "|=", "^=", "->", "=>", "::", "<<", ">>", "??", "**",
    ];

    private readonly string _source;
    private readonly List<PhpToken> _tokens = [];
    private int _position;

    private PhpLexer(string source) => _source = source;

    public static IReadOnlyList<PhpToken> Tokenize(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var lexer = new PhpLexer(source);
        while (lexer.SkipToOpenTag())
        {
            lexer.ReadCode();
        }

        return lexer._tokens;
    }

    public static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= '\u0080';

    private static bool IsNamePart(char c) => IsNameStart(c) || char.IsAsciiDigit(c);

    private bool At(string text) => string.CompareOrdinal(_source, _position, text, 0, text.Length) == 0;

    private char Peek(int offset = 0) => _position + offset < _source.Length ? _source[_position + offset] : '\0';

    /// <summary>Skips text outside PHP; false when there is no further <c>&lt;?php</c>.</summary>
    private bool SkipToOpenTag()
    {
        while (true)
        {
            var open = _source.IndexOf("<?", _position, StringComparison.Ordinal);
            if (open < 0)
            {
                _position = _source.Length;
                return false;
            }

            _position = open + 2;
            if (string.Compare(_source, _position, "php", 0, 3, StringComparison.OrdinalIgnoreCase) == 0
                && (_position + 3 == _source.Length || char.IsWhiteSpace(_source[_position + 3])))
            {
                _position += 3;
                return true;
            }

            if (Peek() == '=' || char.IsWhiteSpace(Peek()))
            {
                // <?= and the short open tag.
                return true;
            }
        }
    }

    private void ReadCode()
    {
        while (_position < _source.Length)
        {
            var c = _source[_position];
            if (char.IsWhiteSpace(c))
            {
                _position++;
            }
            else if (At("?>"))
            {
                Add(PhpTokenKind.CloseTag, "?>", _position, 2);
                _position += 2;
                return;
            }
            else if (At("//") || (c == '#' && Peek(1) != '['))
            {
                SkipLineComment();
            }
            else if (At("/*"))
            {
                var end = _source.IndexOf("*/", _position + 2, StringComparison.Ordinal);
                _position = end < 0 ? _source.Length : end + 2;
            }
            else if (c == '\'')
            {
                ReadSingleQuoted();
            }
            else if (c == '"')
            {
                ReadDoubleQuoted();
            }
            else if (At("<<<") && TryReadHeredoc())
            {
                continue;
            }
            else if (c == '$' && IsNameStart(Peek(1)))
            {
                var start = _position++;
                var name = ReadName();
                Add(PhpTokenKind.Variable, name, start, _position - start);
            }
            else if (IsNameStart(c))
            {
                var start = _position;
                var name = ReadName();
                Add(PhpTokenKind.Identifier, name, start, _position - start);
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
            {
                ReadNumber();
            }
            else
            {
                ReadSymbol();
            }
        }
    }

    // A line comment also ends where the PHP block does.
    private void SkipLineComment()
    {
        while (_position < _source.Length && _source[_position] != '\n' && !At("?>"))
        {
            _position++;
        }
    }

    private string ReadName()
    {
        var start = _position;
        while (_position < _source.Length && IsNamePart(_source[_position]))
        {
            _position++;
        }

        return _source[start.._position];
    }

    private void ReadNumber()
    {
        var start = _position;
        while (_position < _source.Length
            && (char.IsAsciiLetterOrDigit(_source[_position]) || _source[_position] == '_'
                || (_source[_position] == '.' && char.IsAsciiDigit(Peek(1)))))
        {
            _position++;
        }

        Add(PhpTokenKind.Number, _source[start.._position], start, _position - start);
    }

    private void ReadSymbol()
    {
        var symbol = Symbols.FirstOrDefault(At) ?? _source[_position].ToString();
        Add(PhpTokenKind.Symbol, symbol, _position, symbol.Length);
        _position += symbol.Length;
    }

    private void ReadSingleQuoted()
    {
        var start = _position;
        var end = FindClosingQuote('\'');
        var body = _source.AsSpan(start + 1, end - start - 1);
        _position = Math.Min(end + 1, _source.Length);
        Add(PhpTokenKind.String, PhpStringDecoder.DecodeSingleQuoted(body), start, _position - start);
    }

    private void ReadDoubleQuoted()
    {
        var start = _position;
        var end = FindClosingQuote('"');
        var body = _source.AsSpan(start + 1, end - start - 1);
        _position = Math.Min(end + 1, _source.Length);
        var value = PhpStringDecoder.DecodeDoubleQuoted(body, '"', out var interpolates);
        Add(PhpTokenKind.String, value, start, _position - start, isConstant: !interpolates);
    }

    /// <summary>The index of the quote ending the string that starts here, or the source's end.</summary>
    private int FindClosingQuote(char quote)
    {
        for (var i = _position + 1; i < _source.Length; i++)
        {
            if (_source[i] == '\\')
            {
                i++;
            }
            else if (_source[i] == quote)
            {
                return i;
            }
        }

        return _source.Length;
    }

    private bool TryReadHeredoc()
    {
        if (!PhpHeredoc.TryRead(_source, _position, out var heredoc))
        {
            return false;
        }

        Add(PhpTokenKind.String, heredoc.Value, _position, heredoc.Length, heredoc.IsConstant);
        _position += heredoc.Length;
        return true;
    }

    private void Add(PhpTokenKind kind, string value, int start, int length, bool isConstant = true) =>
        _tokens.Add(new PhpToken(kind, value, start, length, isConstant));
}
