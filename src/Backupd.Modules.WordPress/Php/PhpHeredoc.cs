namespace Backupd.Modules.WordPress.Php;

/// <summary>A heredoc (<c>&lt;&lt;&lt;ID</c>) or nowdoc (<c>&lt;&lt;&lt;'ID'</c>) string, as PHP 7.3 and later read it.</summary>
/// <param name="Value">The decoded content.</param>
/// <param name="Length">How many source characters it spans, up to and including the closing marker.</param>
/// <param name="IsConstant">False when a heredoc interpolates a variable.</param>
internal sealed record PhpHeredoc(string Value, int Length, bool IsConstant)
{
    /// <summary>Reads the heredoc starting at <paramref name="start"/> (at <c>&lt;&lt;&lt;</c>); false if there is none.</summary>
    public static bool TryRead(string source, int start, out PhpHeredoc heredoc)
    {
        heredoc = null!;
        var position = start + 3;
        while (position < source.Length && source[position] is ' ' or '\t')
        {
            position++;
        }

        var quote = position < source.Length && source[position] is '\'' or '"' ? source[position] : '\0';
        if (quote != '\0')
        {
            position++;
        }

        var nameStart = position;
        while (position < source.Length && (PhpLexer.IsNameStart(source[position]) || char.IsAsciiDigit(source[position])))
        {
            position++;
        }

        var name = source[nameStart..position];
        if (name.Length == 0 || !PhpLexer.IsNameStart(name[0]) || (quote != '\0' && (position >= source.Length || source[position++] != quote)))
        {
            return false;
        }

        if (source.AsSpan(position).StartsWith("\r\n", StringComparison.Ordinal))
        {
            position += 2;
        }
        else if (position < source.Length && source[position] == '\n')
        {
            position++;
        }
        else
        {
            return false;
        }

        var lines = new List<string>();
        var lineStart = position;
        while (lineStart <= source.Length)
        {
            var lineEnd = source.IndexOf('\n', lineStart);
            var line = source[lineStart..(lineEnd < 0 ? source.Length : lineEnd)].TrimEnd('\r');
            var indent = line.Length - line.TrimStart(' ', '\t').Length;
            if (IsClosingMarker(line, indent, name))
            {
                var body = string.Join('\n', lines.Select(l => RemoveIndent(l, indent)));
                var interpolates = false;
                var value = quote == '\'' ? body : PhpStringDecoder.DecodeDoubleQuoted(body, quote: null, out interpolates);
                heredoc = new PhpHeredoc(value, lineStart + indent + name.Length - start, !interpolates);
                return true;
            }

            if (lineEnd < 0)
            {
                return false;
            }

            lines.Add(line);
            lineStart = lineEnd + 1;
        }

        return false;
    }

    private static bool IsClosingMarker(string line, int indent, string name) =>
        line.AsSpan(indent).StartsWith(name, StringComparison.Ordinal)
        && (line.Length == indent + name.Length || !(PhpLexer.IsNameStart(line[indent + name.Length]) || char.IsAsciiDigit(line[indent + name.Length])));

    private static string RemoveIndent(string line, int indent)
    {
        var removable = 0;
        while (removable < indent && removable < line.Length && line[removable] is ' ' or '\t')
        {
            removable++;
        }

        return line[removable..];
    }
}
