using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backupd.Master.Apis;

/// <summary>
/// Reads every string a client sends (admin API and node API alike) without its control
/// characters, so that no escape sequence, carriage return or bidirectional override a client
/// chose is ever stored, shown on the dashboard or written to a log. Line feeds and tabs stay:
/// log lines from a node and certificate requests carry them. Doing it where JSON is read
/// means no route can forget it.
/// </summary>
internal sealed class ClientTextConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? Clean(reader.GetString()!)
            : throw new JsonException("Expected a string.");

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Clean(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    /// <summary>The text without control characters other than line feed and tab.</summary>
    public static string Clean(string text)
    {
        if (!text.Any(Dropped))
        {
            return text;
        }

        var kept = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!Dropped(c))
            {
                kept.Append(c);
            }
        }

        return kept.ToString();
    }

    private static bool Dropped(char c) =>
        (char.IsControl(c) && c is not '\n' and not '\t')
        || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
