using System.Text.Json;
using System.Text.Json.Nodes;
using Backupd.Bundles;

namespace Backupd.Modules.WordPress;

/// <summary>
/// Writes a WordPress bundle's <c>manifest.json</c> to a file, its per-file entries streamed in
/// one at a time: built whole in memory, as it was, it held about a kilobyte per file at once.
/// </summary>
internal static class WordPressManifest
{
    private const string FilesProperty = "files";
    private const int FlushAt = 64 * 1024;

    /// <summary>Writes <paramref name="head"/> with <paramref name="entries"/> added as the array <c>files.entries</c>.</summary>
    /// <param name="path">The new file.</param>
    /// <param name="head">The manifest but for the entries; it must have a <c>files</c> object.</param>
    /// <param name="entries">Each file's path in the bundle, size and SHA-256, read as they are written.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task WriteAsync(string path, JsonObject head, IEnumerable<BundleFileDigest> entries, CancellationToken cancellationToken)
    {
        if (head[FilesProperty] is not JsonObject files)
        {
            throw new ArgumentException($"The manifest needs a '{FilesProperty}' object for the entries.", nameof(head));
        }

        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        await using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        foreach (var (name, value) in head)
        {
            if (name == FilesProperty)
            {
                continue;
            }

            json.WritePropertyName(name);
            WriteNode(json, value);
        }

        json.WriteStartObject(FilesProperty);
        foreach (var (name, value) in files)
        {
            json.WritePropertyName(name);
            WriteNode(json, value);
        }

        json.WriteStartArray("entries");
        foreach (var entry in entries)
        {
            json.WriteStartObject();
            json.WriteString("path", entry.EntryName);
            json.WriteNumber("size", entry.Size);
            json.WriteString("sha256", entry.Sha256Hex);
            json.WriteEndObject();
            if (json.BytesPending >= FlushAt)
            {
                await json.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteNode(Utf8JsonWriter json, JsonNode? node)
    {
        if (node is null)
        {
            json.WriteNullValue();
        }
        else
        {
            node.WriteTo(json);
        }
    }
}
