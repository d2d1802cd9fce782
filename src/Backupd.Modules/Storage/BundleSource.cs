using System.ComponentModel;
using System.Text.Json;

namespace Backupd.Modules.Storage;

/// <summary>
/// The stored bundle a verify or restore job reads, as the master recorded it when the backup
/// finished: the node holds what it downloads against these, never against its own word.
/// </summary>
/// <param name="JobId">The backup job that stored it.</param>
/// <param name="Key">Its full key in the provider.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">Its SHA-256 in hex.</param>
public sealed record BundleSource(
    [property: Description("The backup job that stored the bundle.")] string JobId,
    [property: Description("The bundle's full key in the provider.")] string Key,
    [property: Description("The bundle's size in bytes, as the master recorded it.")] long Size,
    [property: Description("The bundle's SHA-256 in hex, as the master recorded it.")] string Sha256)
{
    /// <summary>The config property that holds it, in every module that reads a bundle.</summary>
    public const string ConfigProperty = "bundle";

    /// <summary>
    /// The bundle a reading module's config names, for the master deciding whether to sign a read
    /// of it and whose record a verification belongs to; null when the config names none.
    /// </summary>
    public static BundleSource? In(string configJson)
    {
        try
        {
            using var config = JsonDocument.Parse(configJson);
            return config.RootElement.ValueKind == JsonValueKind.Object
                && config.RootElement.TryGetProperty(ConfigProperty, out var bundle) && bundle.ValueKind == JsonValueKind.Object
                    ? bundle.Deserialize<BundleSource>(JsonSerializerOptions.Web)
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What is wrong with it, each error's field under <paramref name="field"/>.</summary>
    public IEnumerable<ConfigError> Validate(string field)
    {
        if (string.IsNullOrWhiteSpace(Key) || Key.StartsWith('/') || Key.Split('/').Contains(".."))
        {
            yield return new ConfigError($"{field}.key", "must be a bundle key inside the provider, without a leading '/' or '..'");
        }

        if (Size < 0)
        {
            yield return new ConfigError($"{field}.size", "must be 0 or more");
        }

        if (Sha256.Length != 64 || !Sha256.All(Uri.IsHexDigit))
        {
            yield return new ConfigError($"{field}.sha256", "must be a SHA-256 in hex (64 digits)");
        }
    }
}
