namespace Backupd.Modules.WordPress.Restore.DumpImport;

/// <summary>
/// The rows of one INSERT, after its <c>VALUES</c>, read as they stream by (a row can be larger
/// than anything held in memory) and accepted only as mysqldump writes them: tuples of literals,
/// each <c>NULL</c>, a number, a quoted string, <c>0x</c> hex, <c>b'…'</c>/<c>x'…'</c>, or one of
/// those after <c>_binary</c>, up to the <c>;</c> that ends the statement. No expression, function,
/// subquery, variable or comment gets through, so nothing but these rows reaches the server.
/// </summary>
internal sealed class DumpRows
{
    private readonly byte[] _word = new byte[8];
    private int _wordLength;
    private State _state = State.BeforeRow;

    private enum State
    {
        BeforeRow,
        BeforeValue,
        AfterIntroducer,
        Word,
        Sign,
        Zero,
        Integer,
        Fraction,
        ExponentMark,
        ExponentSign,
        Exponent,
        HexMark,
        HexFirst,
        Hex,
        String,
        Escape,
        Quote,
        AfterValue,
        AfterRow,
        Done,
    }

    /// <summary>Whether the <c>;</c> ending the rows has been read.</summary>
    public bool Done => _state == State.Done;

    /// <summary>Reads on through <paramref name="text"/>; returns how much of it belongs to the rows (all of it, or up to their <c>;</c>).</summary>
    /// <param name="text">What follows what was read before.</param>
    /// <param name="final">Whether <paramref name="text"/> runs to the end of the dump.</param>
    /// <exception cref="DumpSyntaxException">Something that is not a row of values, or the dump ends inside them.</exception>
    public int Read(ReadOnlySpan<byte> text, bool final)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            switch (_state)
            {
                case State.String:
                    // The bulk of a dump: straight to the next quote or backslash.
                    var stop = text[i..].IndexOfAny(DumpLexer.StringStops);
                    if (stop < 0)
                    {
                        i = text.Length;
                        break;
                    }

                    i += stop;
                    DumpLexer.RefuseInQuotes(text[i], i, lineBreaks: false);

                    _state = text[i] == '\\' ? State.Escape : State.Quote;
                    i++;
                    break;
                case State.Escape:
                    DumpLexer.RefuseInQuotes(c, i, lineBreaks: false);
                    _state = State.String;
                    i++;
                    break;
                case State.Quote:
                    // '' is a quote inside the string; anything else ends it.
                    if (c == '\'')
                    {
                        _state = State.String;
                        i++;
                    }
                    else
                    {
                        _state = State.AfterValue;
                    }

                    break;
                case State.BeforeRow:
                    i = Space(c) ? i + 1 : c == '(' ? Go(State.BeforeValue, i + 1) : throw Refuse(i, "rows of values expected");
                    break;
                case State.BeforeValue:
                    i = Value(c, i);
                    break;
                case State.AfterIntroducer:
                    // _binary is followed by a string or 0x hex.
                    i = Space(c) ? i + 1 : c == '\'' ? Go(State.String, i + 1) : c == '0' ? Go(State.HexMark, i + 1) : throw Refuse(i, "a _binary without its value");
                    break;
                case State.Word:
                    if (DumpLexer.WordBytes.Contains(c) && _wordLength < _word.Length)
                    {
                        _word[_wordLength++] = c;
                        i++;
                    }
                    else
                    {
                        i = EndWord(c, i);
                    }

                    break;
                case State.Sign:
                    i = c is >= (byte)'0' and <= (byte)'9' ? Go(State.Integer, i + 1) : throw Refuse(i, "a sign without a number");
                    break;
                case State.Zero:
                    // 0, 0.5 or 0x1F.
                    // Only a lower-case x: servers read 0X41 as a name.
                    i = c == 'x' ? Go(State.HexFirst, i + 1) : Go(State.Integer, i);
                    break;
                case State.Integer or State.Fraction or State.Exponent:
                    i = Digits(c, i);
                    break;
                case State.ExponentMark:
                    i = c is (byte)'+' or (byte)'-' ? Go(State.ExponentSign, i + 1) : Digit(c) ? Go(State.Exponent, i + 1) : throw Refuse(i, "an empty exponent");
                    break;
                case State.ExponentSign:
                    i = Digit(c) ? Go(State.Exponent, i + 1) : throw Refuse(i, "an empty exponent");
                    break;
                case State.HexMark:
                    i = c == 'x' ? Go(State.HexFirst, i + 1) : throw Refuse(i, "a _binary without its value");
                    break;
                case State.HexFirst:
                    i = DumpLexer.HexDigits.Contains(c) ? Go(State.Hex, i + 1) : throw Refuse(i, "'0x' without digits");
                    break;
                case State.Hex:
                    i = DumpLexer.HexDigits.Contains(c) ? i + 1 : EndNumber(c, i);
                    break;
                case State.AfterValue:
                    i = Space(c) ? i + 1 : c == ',' ? Go(State.BeforeValue, i + 1) : c == ')' ? Go(State.AfterRow, i + 1) : throw Refuse(i, "',' or ')' expected after a value");
                    break;
                case State.AfterRow:
                    if (c == ';')
                    {
                        _state = State.Done;
                        return i + 1;
                    }

                    i = Space(c) ? i + 1 : c == ',' ? Go(State.BeforeRow, i + 1) : throw Refuse(i, "',' or ';' expected after a row");
                    break;
                default:
                    throw new InvalidOperationException("The rows were read past their end.");
            }
        }

        if (final)
        {
            throw new DumpSyntaxException(text.Length, "rows the dump ends inside");
        }

        return text.Length;
    }

    private static bool Space(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static bool Digit(byte c) => c is >= (byte)'0' and <= (byte)'9';

    private static DumpSyntaxException Refuse(int position, string what) => new(position, what);

    private int Go(State state, int next)
    {
        _state = state;
        return next;
    }

    private int Value(byte c, int i)
    {
        if (Space(c))
        {
            return i + 1;
        }

        switch (c)
        {
            case (byte)'\'':
                return Go(State.String, i + 1);
            case (byte)'-':
                return Go(State.Sign, i + 1);
            case (byte)'0':
                return Go(State.Zero, i + 1);
            case >= (byte)'1' and <= (byte)'9':
                return Go(State.Integer, i + 1);
            case var _ when DumpLexer.WordBytes.Contains(c):
                _wordLength = 0;
                return Go(State.Word, i);
            default:
                throw Refuse(i, "a value expected");
        }
    }

    private int Digits(byte c, int i)
    {
        if (Digit(c))
        {
            return i + 1;
        }

        if (_state == State.Integer && c == '.')
        {
            return Go(State.Fraction, i + 1);
        }

        if (_state is State.Integer or State.Fraction && c is (byte)'e' or (byte)'E')
        {
            return Go(State.ExponentMark, i + 1);
        }

        return EndNumber(c, i);
    }

    private int EndNumber(byte c, int i)
    {
        if (DumpLexer.WordBytes.Contains(c))
        {
            throw Refuse(i, "a name starting with a digit");
        }

        return Go(State.AfterValue, i);
    }

    // NULL, _binary before a value, or b'…'/x'…' (bits, hex) straight before their quote.
    private int EndWord(byte c, int i)
    {
        var word = _word.AsSpan(0, _wordLength);
        if (System.Text.Ascii.EqualsIgnoreCase(word, "NULL"u8) && !DumpLexer.WordBytes.Contains(c))
        {
            return Go(State.AfterValue, i);
        }

        if (System.Text.Ascii.EqualsIgnoreCase(word, "_binary"u8) && !DumpLexer.WordBytes.Contains(c))
        {
            return Go(State.AfterIntroducer, i);
        }

        if (_wordLength == 1 && word[0] is (byte)'b' or (byte)'B' or (byte)'x' or (byte)'X' && c == '\'')
        {
            return Go(State.String, i + 1);
        }

        throw Refuse(i - _wordLength, "a word other than NULL");
    }
}
