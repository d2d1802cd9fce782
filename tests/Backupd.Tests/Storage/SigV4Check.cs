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
        if (Query(request.RawQuery).ContainsKey("X-Amz-Signature"))
        {
            return IsPresignedWith(request, secret);
        }

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

    /// <summary>
    /// Whether a presigned request (query-string authentication, as a master signs for a node)
    /// was signed with <paramref name="secret"/>: the same derivation, over the query without its
    /// signature, the signed headers and an unsigned payload.
    /// </summary>
    public static bool IsPresignedWith(ProxiedRequest request, string secret)
    {
        var query = Query(request.RawQuery);
        if (!query.TryGetValue("X-Amz-Signature", out var signature) || !query.TryGetValue("X-Amz-Credential", out var credential)
            || !query.TryGetValue("X-Amz-SignedHeaders", out var signedHeaders) || !query.TryGetValue("X-Amz-Date", out var date)
            || query.GetValueOrDefault("X-Amz-Algorithm") != "AWS4-HMAC-SHA256")
        {
            return false;
        }

        var scope = credential[(credential.IndexOf('/', StringComparison.Ordinal) + 1)..];
        var canonicalHeaders = string.Concat(signedHeaders.Split(';').Select(name =>
            $"{name}:{Whitespace().Replace(request.Headers.GetValueOrDefault(name, string.Empty).Trim(), " ")}\n"));
        var unsignedQuery = string.Join('&', request.RawQuery.Split('&').Where(pair => !pair.StartsWith("X-Amz-Signature=", StringComparison.Ordinal)));
        var canonicalRequest = string.Join('\n', request.Method, request.Path, CanonicalQuery(unsignedQuery), canonicalHeaders, signedHeaders, "UNSIGNED-PAYLOAD");
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", date, scope, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        // The key and the signature as AWSSDK's own SigV4 signer derives them.
        var parts = scope.Split('/');
        var key = Amazon.Runtime.Internal.Auth.AWS4Signer.ComposeSigningKey(secret, parts[1], parts[0], parts[2]);
        var expected = Convert.ToHexStringLower(Amazon.Runtime.Internal.Auth.AWS4Signer.ComputeKeyedHash(Amazon.Runtime.SigningAlgorithm.HmacSHA256, key, stringToSign));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }

    /// <summary>Whether a presigned request's time (X-Amz-Date plus X-Amz-Expires) was over at <paramref name="now"/>.</summary>
    public static bool IsExpired(ProxiedRequest request, DateTimeOffset now)
    {
        var query = Query(request.RawQuery);
        return query.TryGetValue("X-Amz-Date", out var date) && query.TryGetValue("X-Amz-Expires", out var expires)
            && DateTimeOffset.ParseExact(date, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal)
                .AddSeconds(int.Parse(expires, System.Globalization.CultureInfo.InvariantCulture)) < now;
    }

    /// <summary>The query's parameters, decoded.</summary>
    public static Dictionary<string, string> Query(string rawQuery) =>
        rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .GroupBy(pair => Uri.UnescapeDataString(pair[0]), StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First().Length > 1 ? Uri.UnescapeDataString(group.First()[1]) : string.Empty, StringComparer.Ordinal);

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
