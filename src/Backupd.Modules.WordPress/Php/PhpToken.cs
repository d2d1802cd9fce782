namespace Backupd.Modules.WordPress.Php;

/// <summary>What a <see cref="PhpToken"/> is; comments and whitespace never become tokens.</summary>
internal enum PhpTokenKind
{
    /// <summary>A name such as <c>define</c>, <c>true</c> or <c>DB_NAME</c>.</summary>
    Identifier,

    /// <summary>A variable; <see cref="PhpToken.Value"/> is its name without the <c>$</c>.</summary>
    Variable,

    /// <summary>A quoted string, heredoc or nowdoc; <see cref="PhpToken.Value"/> is its decoded content.</summary>
    String,

    /// <summary>A number, as written.</summary>
    Number,

    /// <summary>An operator or punctuation such as <c>(</c>, <c>=</c> or <c>-&gt;</c>.</summary>
    Symbol,

    /// <summary>The end of a PHP block (<c>?&gt;</c>): acts as a statement end.</summary>
    CloseTag,
}

/// <summary>One token of PHP source.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Value">The name, decoded string content or symbol.</param>
/// <param name="Start">Where it starts in the source.</param>
/// <param name="Length">How many source characters it spans.</param>
/// <param name="IsConstant">
/// For strings: whether <see cref="Value"/> is the whole value, which is false when a
/// double-quoted string or heredoc interpolates a variable.
/// </param>
internal sealed record PhpToken(PhpTokenKind Kind, string Value, int Start, int Length, bool IsConstant = true)
{
    public int End => Start + Length;

    public bool IsSymbol(string symbol) => Kind == PhpTokenKind.Symbol && Value == symbol;

    // PHP matches function names and keywords without regard to case.
    public bool IsName(string name) => Kind == PhpTokenKind.Identifier && string.Equals(Value, name, StringComparison.OrdinalIgnoreCase);
}
