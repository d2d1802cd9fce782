namespace Backupd.Modules.WordPress.Php;

/// <summary>
/// The constants a PHP file defines (<c>define('NAME', …)</c> and <c>const NAME = …;</c>) and the
/// variables it assigns (<c>$name = …;</c>), found without running it. Conditions are not
/// evaluated: every define counts.
/// </summary>
internal sealed class PhpAssignments
{
    private readonly Dictionary<string, PhpExpression> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PhpExpression> _variables = new(StringComparer.Ordinal);
    private readonly string _source;
    private readonly IReadOnlyList<PhpToken> _tokens;

    private PhpAssignments(string source)
    {
        _source = source;
        _tokens = PhpLexer.Tokenize(source);
    }

    public static PhpAssignments Read(string source)
    {
        var assignments = new PhpAssignments(source);
        assignments.Scan();
        return assignments;
    }

    /// <summary>The first definition of a constant, as PHP ignores later ones; null when there is none.</summary>
    public PhpExpression? Constant(string name) => _constants.GetValueOrDefault(name);

    /// <summary>The last assignment to a variable (name without <c>$</c>); null when there is none.</summary>
    public PhpExpression? Variable(string name) => _variables.GetValueOrDefault(name);

    private void Scan()
    {
        for (var i = 0; i < _tokens.Count; i++)
        {
            var token = _tokens[i];
            if (token.IsName("define") && IsSymbolAt(i + 1, "(") && !IsMemberName(i))
            {
                ReadDefine(i + 1);
            }
            else if (token.IsName("const") && TokenAt(i + 1) is { Kind: PhpTokenKind.Identifier } name && IsSymbolAt(i + 2, "="))
            {
                _constants.TryAdd(name.Value, PhpExpression.From(_source, Statement(i + 3)));
            }
            else if (token.Kind == PhpTokenKind.Variable && IsSymbolAt(i + 1, "="))
            {
                _variables[token.Value] = PhpExpression.From(_source, Statement(i + 2));
            }
        }
    }

    private void ReadDefine(int openParenthesis)
    {
        var arguments = Arguments(openParenthesis);
        if (arguments.Count >= 2 && arguments[0] is [{ Kind: PhpTokenKind.String, IsConstant: true } name])
        {
            _constants.TryAdd(name.Value, PhpExpression.From(_source, arguments[1]));
        }
    }

    // $obj->define(…), Foo::define(…) and function define(…) are not the built-in define.
    private bool IsMemberName(int index) =>
        TokenAt(index - 1) is { } previous
        && (previous.IsSymbol("->") || previous.IsSymbol("?->") || previous.IsSymbol("::") || previous.IsName("function") || previous.IsName("new"));

    private PhpToken? TokenAt(int index) => index >= 0 && index < _tokens.Count ? _tokens[index] : null;

    private bool IsSymbolAt(int index, string symbol) => TokenAt(index)?.IsSymbol(symbol) == true;

    /// <summary>The comma-separated arguments of the call whose "(" is at <paramref name="openParenthesis"/>.</summary>
    private List<List<PhpToken>> Arguments(int openParenthesis)
    {
        var arguments = new List<List<PhpToken>> { new() };
        var depth = 0;
        for (var i = openParenthesis + 1; i < _tokens.Count; i++)
        {
            var token = _tokens[i];
            if (depth == 0 && token.IsSymbol(")"))
            {
                break;
            }

            if (depth == 0 && token.IsSymbol(","))
            {
                arguments.Add([]);
                continue;
            }

            if (token.Kind == PhpTokenKind.CloseTag)
            {
                break;
            }

            depth += Nesting(token);
            arguments[^1].Add(token);
        }

        return arguments;
    }

    /// <summary>The tokens from <paramref name="start"/> to the end of the statement.</summary>
    private List<PhpToken> Statement(int start)
    {
        var statement = new List<PhpToken>();
        var depth = 0;
        for (var i = start; i < _tokens.Count; i++)
        {
            var token = _tokens[i];
            var nesting = Nesting(token);
            if (token.Kind == PhpTokenKind.CloseTag || (depth == 0 && (token.IsSymbol(";") || nesting < 0)))
            {
                break;
            }

            depth += nesting;
            statement.Add(token);
        }

        return statement;
    }

    private static int Nesting(PhpToken token) => token switch
    {
        { Kind: PhpTokenKind.Symbol, Value: "(" or "[" or "{" } => 1,
        { Kind: PhpTokenKind.Symbol, Value: ")" or "]" or "}" } => -1,
        _ => 0,
    };
}
