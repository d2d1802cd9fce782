using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Backupd.Tests.Storage;

/// <summary>
/// Checks an AWS Signature Version 4 header signature against a known secret, which s3rver
/// does not do. Enough of the canonical form for the path-style requests in these tests.
/// </summary>
internal static partial class SigV4Check
{
    public static bool IsSignedWith(ProxiedRequest request, string secret)
    {
        if (!request.Headers.TryGetValue("Authorization", out var authorization)
            || AuthorizationHeader().Match(authorization) is not { Success: true } parts)
        {
            return false;
        }

        var scope = parts.Groups["scope"].Value;
        var signedHeaders = parts.Groups["headers"].Value;
        var canonicalHeaders = string.Concat(signedHeaders.Split(';').Select(name =>
            $"{name}:{Whitespace().Replace(request.Headers.GetValueOrDefault(name, string.Empty).Trim(), " ")}\n"));
        var canonicalRequest = string.Join('\n',
            request.Method, request.Path, CanonicalQuery(request.RawQuery), canonicalHeaders, signedHeaders,
            request.Headers.GetValueOrDefault("x-amz-content-sha256", string.Empty));
        var stringToSign = string.Join('\n',
            "AWS4-HMAC-SHA256", request.Headers.GetValueOrDefault("x-amz-date", string.Empty), scope,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var element in scope.Split('/'))
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(element));
        }

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts.Groups["signature"].Value));
    }

    private static string CanonicalQuery(string rawQuery) => string.Join('&',
        rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(pair => (Name: Encode(pair[0]), Value: pair.Length > 1 ? Encode(pair[1]) : string.Empty))
            .OrderBy(pair => pair.Name, StringComparer.Ordinal)
            .ThenBy(pair => pair.Value, StringComparer.Ordinal)
            .Select(pair => $"{pair.Name}={pair.Value}"));

    private static string Encode(string encoded) => Uri.EscapeDataString(Uri.UnescapeDataString(encoded));

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=[^/]+/(?<scope>[^,]+),\s*SignedHeaders=(?<headers>[^,]+),\s*Signature=(?<signature>[0-9a-f]+)$")]
    private static partial Regex AuthorizationHeader();

    [GeneratedRegex(" +")]
    private static partial Regex Whitespace();
}
