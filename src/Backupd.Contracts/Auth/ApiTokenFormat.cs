using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Backupd.Contracts.Auth;

/// <summary>
/// Bearer tokens look like <c>bkd_&lt;id&gt;_&lt;secret&gt;</c>: the id finds the token's grain, the
/// secret proves possession. The prefix makes leaked tokens easy to spot by secret scanners.
/// </summary>
public static class ApiTokenFormat
{
    private const string Prefix = "bkd_";

    /// <summary>Makes a fresh random id and secret.</summary>
    public static (string Id, string Secret) NewIdAndSecret() =>
        (Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), RandomSecret.New());

    /// <summary>Joins an id and a secret into a bearer token.</summary>
    public static string Compose(string id, string secret) => $"{Prefix}{id}_{secret}";

    /// <summary>Splits a bearer token; <c>false</c> for anything not shaped like one.</summary>
    public static bool TryParse(string? token, [NotNullWhen(true)] out string? id, [NotNullWhen(true)] out string? secret)
    {
        id = secret = null;
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = token.AsSpan(Prefix.Length);
        var separator = rest.IndexOf('_');
        if (separator != 24 || rest.Length <= separator + 1 || !IsHex(rest[..separator]))
        {
            return false;
        }

        id = rest[..separator].ToString();
        secret = rest[(separator + 1)..].ToString();
        return true;
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
