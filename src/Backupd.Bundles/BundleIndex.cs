using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Backupd.Bundles;

/// <summary>
/// Where some members of a bundle start, so a reader can go straight to one (a restore's
/// database import to the dump, past all of wp-content) instead of decoding everything before it.
/// Kept in a zstd skippable frame at the bundle's end, which every zstd decoder passes over
/// (<c>zstd -d</c>, <c>tar --zstd</c>, ZstdNet), so the bundle stays a plain <c>.tar.zst</c>. Each
/// member listed starts a zstd frame of its own, with its tar header, at the offset given.
/// </summary>
/// <remarks>
/// The index is a hint: a reader that finds something else at an offset reads the bundle from its
/// start, and one that uses it checks the member against the digest the bundle's check found.
/// </remarks>
public static class BundleIndex
{
    /// <summary>What the index says its format is.</summary>
    public const string Format = "backupd-index/1";

    // One of the sixteen skippable-frame magic numbers zstd reserves (0x184D2A50-0x184D2A5F).
    private const uint SkippableMagic = 0x184D2A5B;

    // The frame ends with its own length and this tag, so a reader finds it from the end.
    private static readonly byte[] Tag = "BKPDIDX1"u8.ToArray();
    private const int TrailerLength = 4 + 8;
    private const int HeaderLength = 4 + 4;

    // Far more than an index of a few members needs; a larger claim is not an index.
    private const int MaxFrameLength = 64 << 10;

    /// <summary>The skippable frame listing <paramref name="entries"/>: member names and the offsets their frames start at.</summary>
    public static byte[] Frame(IReadOnlyList<(string Name, long Offset)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteStartArray("entries");
            foreach (var (name, offset) in entries)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteNumber("offset", offset);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var length = HeaderLength + (int)json.Length + TrailerLength;
        var frame = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, SkippableMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), (uint)(length - HeaderLength));
        json.GetBuffer().AsSpan(0, (int)json.Length).CopyTo(frame.AsSpan(HeaderLength));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(length - TrailerLength), (uint)length);
        Tag.CopyTo(frame.AsSpan(length - Tag.Length));
        return frame;
    }

    /// <summary>
    /// The members the index at the end of <paramref name="bundle"/> lists, with their offsets;
    /// empty when it has none (a bundle made before there was one) or what is there is not one.
    /// Leaves the position where it was.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, long>> ReadAsync(Stream bundle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var empty = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!bundle.CanSeek || bundle.Length is var length && length < HeaderLength + TrailerLength)
        {
            return empty;
        }

        var start = bundle.Position;
        try
        {
            var trailer = new byte[TrailerLength];
            bundle.Position = length - TrailerLength;
            await bundle.ReadExactlyAsync(trailer, cancellationToken).ConfigureAwait(false);
            var frameLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
            if (!trailer.AsSpan(4).SequenceEqual(Tag) || frameLength < HeaderLength + TrailerLength || frameLength > MaxFrameLength || frameLength > length)
            {
                return empty;
            }

            var frame = new byte[frameLength];
            bundle.Position = length - frameLength;
            await bundle.ReadExactlyAsync(frame, cancellationToken).ConfigureAwait(false);
            if (BinaryPrimitives.ReadUInt32LittleEndian(frame) != SkippableMagic || BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(4)) != frameLength - HeaderLength)
            {
                return empty;
            }

            return Parse(frame.AsSpan(HeaderLength, (int)frameLength - HeaderLength - TrailerLength), length - frameLength) ?? empty;
        }
        finally
        {
            bundle.Position = start;
        }
    }

    // The entries, each at an offset before the index itself; null for anything that is not an index of this format.
    private static Dictionary<string, long>? Parse(ReadOnlySpan<byte> json, long end)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String
                || format.GetString() != Format || !root.TryGetProperty("entries", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var found = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                    && entry.TryGetProperty("offset", out var offset) && offset.TryGetInt64(out var at) && at >= 0 && at < end)
                {
                    found.TryAdd(name.GetString()!, at);
                }
            }

            return found;
        }
        catch (Exception ex) when (ex is JsonException or DecoderFallbackException or InvalidOperationException)
        {
            return null;
        }
    }
}
