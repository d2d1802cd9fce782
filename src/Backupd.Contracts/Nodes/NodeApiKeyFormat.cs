using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Backupd.Contracts.Nodes;

/// <summary>
/// Node API keys look like <c>bkdn_&lt;node id&gt;_&lt;secret&gt;</c>: the id says which node's
/// grain checks the key, so a key can only ever act as its own node.
/// </summary>
public static class NodeApiKeyFormat
{
    private const string Prefix = "bkdn_";

    /// <summary>A fresh node id: <c>n</c> and 16 hex digits.</summary>
    public static string NewNodeId() => "n" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>A fresh 256-bit secret, URL-safe base64.</summary>
    public static string NewSecret() => RandomSecret.New();

    /// <summary>Whether <paramref name="value"/> has the shape of a node id ("n" and 16 lower-case hex digits).</summary>
    public static bool IsNodeId([NotNullWhen(true)] string? value) =>
        value is { Length: 17 } && value[0] == 'n' && value.AsSpan(1).ContainsAnyExcept("0123456789abcdef") is false;

    /// <summary>Joins a node id and a secret into a key.</summary>
    public static string Compose(string nodeId, string secret) => $"{Prefix}{nodeId}_{secret}";

    /// <summary>Splits a key; <c>false</c> for anything not shaped like one.</summary>
    public static bool TryParse(string? apiKey, [NotNullWhen(true)] out string? nodeId)
    {
        nodeId = null;
        if (apiKey is null || !apiKey.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = apiKey[Prefix.Length..];
        var separator = rest.IndexOf('_');
        if (separator != 17 || rest.Length <= separator + 1 || rest[0] != 'n')
        {
            return false;
        }

        nodeId = rest[..separator];
        return true;
    }
}
