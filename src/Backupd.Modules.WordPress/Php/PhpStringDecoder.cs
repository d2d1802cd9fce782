using System.Globalization;
using System.Text;

namespace Backupd.Modules.WordPress.Php;

/// <summary>Turns the body of a PHP string literal into the text PHP would make of it.</summary>
internal static class PhpStringDecoder
{
    /// <summary>In '…' only <c>\\</c> and <c>\'</c> are escapes; any other backslash stays.</summary>
    public static string DecodeSingleQuoted(ReadOnlySpan<char> body)
    {
        var text = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '\\' && i + 1 < body.Length && body[i + 1] is '\\' or '\'')
            {
                i++;
            }

            text.Append(body[i]);
        }

        return text.ToString();
    }

    /// <summary>
    /// Decodes "…" and heredoc bodies. Octal and <c>\x</c> escapes are bytes, so the result is
    /// built as bytes and read as UTF-8, as PHP's bytes would be by MariaDB.
    /// </summary>
    /// <param name="body">The characters between the quotes.</param>
    /// <param name="quote">The one quote character that may be escaped: <c>"</c>, or none for heredocs.</param>
    /// <param name="interpolates">Whether the string contains a variable, so its value is only known at run time.</param>
    public static string DecodeDoubleQuoted(ReadOnlySpan<char> body, char? quote, out bool interpolates)
    {
        interpolates = false;
        var bytes = new List<byte>(body.Length);
        Span<byte> encoded = stackalloc byte[4];
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '$' && i + 1 < body.Length && (PhpLexer.IsNameStart(body[i + 1]) || body[i + 1] == '{'))
            {
                interpolates = true;
            }
            else if (c == '{' && i + 1 < body.Length && body[i + 1] == '$')
            {
                interpolates = true;
            }

            if (c != '\\' || i + 1 == body.Length)
            {
                AppendUtf8(bytes, body, ref i, encoded);
                continue;
            }

            var next = body[i + 1];
            var simple = next switch
            {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'v' => '\v',
                'e' => '\u001b',
                'f' => '\f',
                '\\' or '$' => next,
                _ when next == quote => next,
                _ => (char?)null,
            };
            if (simple is { } escaped)
            {
                bytes.Add((byte)escaped);
                i++;
            }
            else if (TryOctal(body, i + 1, out var octal, out var octalLength))
            {
                bytes.Add(octal);
                i += octalLength;
            }
            else if (TryHex(body, i + 1, out var hex, out var hexLength))
            {
                bytes.Add(hex);
                i += hexLength;
            }
            else if (TryUnicode(body, i + 1, out var rune, out var unicodeLength))
            {
                var written = rune.EncodeToUtf8(encoded);
                bytes.AddRange(encoded[..written]);
                i += unicodeLength;
            }
            else
            {
                // Unknown escapes keep their backslash; the next character is copied as it is.
                bytes.Add((byte)'\\');
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static void AppendUtf8(List<byte> bytes, ReadOnlySpan<char> body, ref int i, Span<byte> buffer)
    {
        if (Rune.DecodeFromUtf16(body[i..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
        {
            rune = Rune.ReplacementChar;
        }

        var written = rune.EncodeToUtf8(buffer);
        bytes.AddRange(buffer[..written]);
        i += consumed - 1;
    }

    // \0 to \777: PHP keeps the low byte of larger values.
    private static bool TryOctal(ReadOnlySpan<char> body, int start, out byte value, out int length)
    {
        var digits = 0;
        var number = 0;
        while (digits < 3 && start + digits < body.Length && body[start + digits] is >= '0' and <= '7')
        {
            number = (number * 8) + (body[start + digits] - '0');
            digits++;
        }

        value = (byte)(number & 0xFF);
        length = digits;
        return digits > 0;
    }

    private static bool TryHex(ReadOnlySpan<char> body, int start, out byte value, out int length)
    {
        value = 0;
        length = 0;
        if (body[start] != 'x')
        {
            return false;
        }

        var digits = 0;
        while (digits < 2 && start + 1 + digits < body.Length && char.IsAsciiHexDigit(body[start + 1 + digits]))
        {
            digits++;
        }

        if (digits == 0)
        {
            return false;
        }

        value = byte.Parse(body.Slice(start + 1, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        length = digits + 1;
        return true;
    }

    private static bool TryUnicode(ReadOnlySpan<char> body, int start, out Rune rune, out int length)
    {
        rune = default;
        length = 0;
        if (body[start] != 'u' || start + 1 >= body.Length || body[start + 1] != '{')
        {
            return false;
        }

        var close = body[(start + 2)..].IndexOf('}');
        if (close <= 0
            || !int.TryParse(body.Slice(start + 2, close), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var codePoint)
            || !Rune.IsValid(codePoint))
        {
            return false;
        }

        rune = new Rune(codePoint);
        length = close + 3;
        return true;
    }
}
