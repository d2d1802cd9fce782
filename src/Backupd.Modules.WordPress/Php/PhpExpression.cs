namespace Backupd.Modules.WordPress.Php;

/// <summary>The right-hand side of a define or an assignment, as written and, when it is a literal, its value.</summary>
/// <param name="SourceText">The expression as written in the file.</param>
/// <param name="Value">
/// The string it evaluates to when it is made only of string literals (joined with <c>.</c>) or
/// a whole number; <see langword="null"/> when only running PHP could tell, as for <c>getenv('X')</c>.
/// </param>
internal sealed record PhpExpression(string SourceText, string? Value)
{
    public bool IsLiteral => Value is not null;

    public static PhpExpression From(string source, IReadOnlyList<PhpToken> tokens)
    {
        if (tokens.Count == 0)
        {
            return new PhpExpression(string.Empty, null);
        }

        var text = source[tokens[0].Start..tokens[^1].End];
        return new PhpExpression(text, Evaluate(tokens));
    }

    private static string? Evaluate(IReadOnlyList<PhpToken> tokens)
    {
        while (IsWrappedInParentheses(tokens))
        {
            tokens = [.. tokens.Skip(1).Take(tokens.Count - 2)];
        }

        if (tokens is [{ Kind: PhpTokenKind.Number } number] && number.Value.All(char.IsAsciiDigit))
        {
            return number.Value;
        }

        // 'a' . 'b' . "c": strings joined by dots, nothing else.
        if (tokens.Count % 2 == 0)
        {
            return null;
        }

        var parts = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (i % 2 == 1)
            {
                if (!token.IsSymbol("."))
                {
                    return null;
                }
            }
            else if (token is { Kind: PhpTokenKind.String, IsConstant: true })
            {
                parts.Add(token.Value);
            }
            else
            {
                return null;
            }
        }

        return string.Concat(parts);
    }

    private static bool IsWrappedInParentheses(IReadOnlyList<PhpToken> tokens)
    {
        if (tokens.Count < 2 || !tokens[0].IsSymbol("(") || !tokens[^1].IsSymbol(")"))
        {
            return false;
        }

        // ('a') . ('b') starts and ends with parentheses that are not a pair.
        var depth = 0;
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            depth += tokens[i].IsSymbol("(") ? 1 : tokens[i].IsSymbol(")") ? -1 : 0;
            if (depth == 0)
            {
                return false;
            }
        }

        return true;
    }
}
