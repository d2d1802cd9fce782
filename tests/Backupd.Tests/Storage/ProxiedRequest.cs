using System.Text;

namespace Backupd.Tests.Storage;

/// <summary>The head of one HTTP/1.1 request as it reached <see cref="S3FaultProxy"/>.</summary>
public sealed class ProxiedRequest
{
    private ProxiedRequest(string method, string target, Dictionary<string, string> headers)
    {
        Method = method;
        Target = target;
        Headers = headers;
        var question = target.IndexOf('?', StringComparison.Ordinal);
        Path = question < 0 ? target : target[..question];
        RawQuery = question < 0 ? string.Empty : target[(question + 1)..];
        Query = RawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => Uri.UnescapeDataString(pair[0]), pair => pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : string.Empty, StringComparer.Ordinal);
    }

    public string Method { get; }

    /// <summary>The request target as sent: path and query, still encoded.</summary>
    public string Target { get; }

    public string Path { get; }

    public string RawQuery { get; }

    public IReadOnlyDictionary<string, string> Query { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public bool ExpectsContinue => Headers.TryGetValue("Expect", out var expect) && expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase);

    public bool IsUploadPart => Method == "PUT" && Query.ContainsKey("partNumber") && Query.ContainsKey("uploadId");

    public int PartNumber => int.Parse(Query["partNumber"], System.Globalization.CultureInfo.InvariantCulture);

    public bool IsAbort => Method == "DELETE" && Query.ContainsKey("uploadId");

    public bool IsListParts => Method == "GET" && Query.ContainsKey("uploadId");

    public bool IsInitiate => Method == "POST" && Query.ContainsKey("uploads");

    public bool IsListUploads => Method == "GET" && Query.ContainsKey("uploads") && Path.Trim('/').IndexOf('/', StringComparison.Ordinal) < 0;

    /// <summary>The bucket and key of a path-style request.</summary>
    public (string Bucket, string Key) BucketAndKey
    {
        get
        {
            var parts = Path.TrimStart('/').Split('/', 2);
            return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty);
        }
    }

    public static ProxiedRequest Parse(ReadOnlySpan<byte> head)
    {
        var lines = Encoding.Latin1.GetString(head).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        return new ProxiedRequest(requestLine[0], requestLine[1], headers);
    }

    public override string ToString() => $"{Method} {Target}";
}
