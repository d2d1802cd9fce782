using System.Buffers;
using System.Text;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// Replaces text (a site's old URL by its new one) in a database value without breaking
/// PHP-serialized data: a serialized value is parsed, each string in it replaced (and its byte
/// length written anew), recursing into strings that are serialized themselves; anything else is
/// replaced as plain text. One pass, longest match first, so a replacement is never replaced
/// again, and only where the match ends on a boundary (the old <c>example.com</c> is not the
/// start of <c>example.com.au</c>).
/// </summary>
/// <remarks>
/// Written here because no .NET library reads and writes PHP's serialize() format. Custom
/// serialized objects (<c>C:</c>) have a format only their class knows and are left as they are.
/// </remarks>
internal sealed class SerializedReplacer
{
    private const int MaxDepth = 64;
    private readonly (byte[] From, byte[] To)[] _pairs;

    public SerializedReplacer(IEnumerable<(string From, string To)> pairs)
    {
        _pairs = [.. pairs.Where(p => p.From.Length > 0 && p.From != p.To)
            .Select(p => (Encoding.UTF8.GetBytes(p.From), Encoding.UTF8.GetBytes(p.To)))
            .OrderByDescending(p => p.Item1.Length)];
    }

    /// <summary>The pairs a site's move from <paramref name="oldUrl"/> to <paramref name="newUrl"/> needs: as written, JSON-escaped, URL-encoded, and without the scheme.</summary>
    public static SerializedReplacer ForUrls(string oldUrl, string newUrl) => ForUrls([(oldUrl, newUrl)]);

    /// <summary>The pairs for several URLs moving at once (a network's sites), each in every form <see cref="ForUrls(string, string)"/> names.</summary>
    public static SerializedReplacer ForUrls(IEnumerable<(string From, string To)> urls) =>
        new(urls.SelectMany(url =>
        {
            var from = url.From.TrimEnd('/');
            var to = url.To.TrimEnd('/');
            return new[]
            {
                (from, to),
                (from.Replace("/", "\\/", StringComparison.Ordinal), to.Replace("/", "\\/", StringComparison.Ordinal)),
                (Uri.EscapeDataString(from), Uri.EscapeDataString(to)),
                // The other scheme's links (http:// on an https:// site) and protocol-relative ones.
                (WithoutScheme(from), WithoutScheme(to)),
            };
        }).Distinct());

    /// <summary>The value with every match replaced; null when nothing matched.</summary>
    public string? Replace(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (!_pairs.Any(pair => bytes.AsSpan().IndexOf(pair.From) >= 0))
        {
            return null;
        }

        var replaced = ReplaceValue(bytes, 0);
        return replaced.AsSpan().SequenceEqual(bytes) ? null : Encoding.UTF8.GetString(replaced);
    }

    private byte[] ReplaceValue(byte[] value, int depth)
    {
        if (depth < MaxDepth && LooksSerialized(value))
        {
            var output = new ArrayBufferWriter<byte>(value.Length + 64);
            var position = 0;
            if (TryCopy(value, ref position, output, depth) && position == value.Length)
            {
                return output.WrittenSpan.ToArray();
            }
        }

        return ReplacePlain(value);
    }

    private static bool LooksSerialized(byte[] value) =>
        value.Length >= 2 && (value is [(byte)'N', (byte)';'] || (value[1] == ':' && "aOsbidCEr".Contains((char)value[0], StringComparison.Ordinal)));

    // One serialized value at value[position], copied to output with its strings replaced.
    private bool TryCopy(byte[] value, ref int position, ArrayBufferWriter<byte> output, int depth, bool replaceStrings = true)
    {
        if (position >= value.Length)
        {
            return false;
        }

        var start = position;
        switch (value[position])
        {
            case (byte)'N':
                return Expect(value, ref position, "N;"u8) && Copied(value, start, position, output);
            case (byte)'b' or (byte)'i' or (byte)'d' or (byte)'r' or (byte)'R':
                var end = Array.IndexOf(value, (byte)';', position);
                if (end < 0 || value[position + 1] != ':')
                {
                    return false;
                }

                position = end + 1;
                return Copied(value, start, position, output);
            case (byte)'s':
                if (!ReadLengthPrefixed(value, ref position, "s:"u8, out var text) || !Expect(value, ref position, ";"u8))
                {
                    return false;
                }

                var inner = replaceStrings ? ReplaceValue(value[text], depth + 1) : value[text];
                output.Write(Encoding.ASCII.GetBytes($"s:{inner.Length}:\""));
                output.Write(inner);
                output.Write("\";"u8);
                return true;
            case (byte)'E':
                return ReadLengthPrefixed(value, ref position, "E:"u8, out _) && Expect(value, ref position, ";"u8) && Copied(value, start, position, output);
            case (byte)'C':
                // class name, then data whose format only that class knows: copied as it is.
                if (!ReadLengthPrefixed(value, ref position, "C:"u8, out _) || !Expect(value, ref position, ":"u8) || !ReadNumber(value, ref position, out var dataLength)
                    || !Expect(value, ref position, ":{"u8) || position + dataLength > value.Length)
                {
                    return false;
                }

                position += dataLength;
                return Expect(value, ref position, "}"u8) && Copied(value, start, position, output);
            case (byte)'a':
                if (!Expect(value, ref position, "a:"u8) || !ReadNumber(value, ref position, out var count) || !Expect(value, ref position, ":{"u8))
                {
                    return false;
                }

                output.Write(value.AsSpan(start, position - start));
                return CopyMembers(value, ref position, output, depth, count);
            case (byte)'O':
                if (!ReadLengthPrefixed(value, ref position, "O:"u8, out _) || !Expect(value, ref position, ":"u8) || !ReadNumber(value, ref position, out var properties)
                    || !Expect(value, ref position, ":{"u8))
                {
                    return false;
                }

                output.Write(value.AsSpan(start, position - start));
                return CopyMembers(value, ref position, output, depth, properties);
            default:
                return false;
        }
    }

    // Keys (array keys, property names) as they are; values replaced.
    private bool CopyMembers(byte[] value, ref int position, ArrayBufferWriter<byte> output, int depth, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!TryCopy(value, ref position, output, depth + 1, replaceStrings: false) || !TryCopy(value, ref position, output, depth + 1))
            {
                return false;
            }
        }

        if (!Expect(value, ref position, "}"u8))
        {
            return false;
        }

        output.Write("}"u8);
        return true;
    }

    // prefix, a byte length, ':"', that many bytes, '"'.
    private static bool ReadLengthPrefixed(byte[] value, ref int position, ReadOnlySpan<byte> prefix, out Range text)
    {
        text = default;
        if (!Expect(value, ref position, prefix) || !ReadNumber(value, ref position, out var length) || !Expect(value, ref position, ":\""u8)
            || length > value.Length - position - 1 || value[position + length] != '"')
        {
            return false;
        }

        text = new Range(position, position + length);
        position += length + 1;
        return true;
    }

    private static bool ReadNumber(byte[] value, ref int position, out int number)
    {
        number = 0;
        var start = position;
        while (position < value.Length && value[position] is >= (byte)'0' and <= (byte)'9')
        {
            if (number > (int.MaxValue - 9) / 10)
            {
                return false;
            }

            number = (number * 10) + (value[position++] - '0');
        }

        return position > start;
    }

    private static bool Expect(byte[] value, ref int position, ReadOnlySpan<byte> expected)
    {
        if (!value.AsSpan(position).StartsWith(expected))
        {
            return false;
        }

        position += expected.Length;
        return true;
    }

    private static bool Copied(byte[] value, int start, int end, ArrayBufferWriter<byte> output)
    {
        output.Write(value.AsSpan(start, end - start));
        return true;
    }

    private byte[] ReplacePlain(byte[] value)
    {
        var output = new ArrayBufferWriter<byte>(value.Length + 64);
        var position = 0;
        while (position < value.Length)
        {
            var matched = false;
            foreach (var (from, to) in _pairs)
            {
                if (value.AsSpan(position).StartsWith(from) && EndsOnBoundary(value, position + from.Length, from))
                {
                    output.Write(to);
                    position += from.Length;
                    matched = true;
                    break;
                }
            }

            if (!matched)
            {
                output.Write(value.AsSpan(position, 1));
                position++;
            }
        }

        return output.WrittenSpan.ToArray();
    }

    // A match that ends in a name (host or path segment) must not go on into a longer one.
    private static bool EndsOnBoundary(byte[] value, int end, byte[] from) =>
        end >= value.Length || !IsNameByte(from[^1]) || !IsNameByte(value[end]);

    private static bool IsNameByte(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.' or (byte)'_';

    private static string WithoutScheme(string url) => url.IndexOf("://", StringComparison.Ordinal) is var at and >= 0 ? url[(at + 1)..] : url;
}
