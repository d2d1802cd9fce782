using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backupd.Grains.Jobs;

/// <summary>
/// Masks secret values in a module config before it leaves the master through the API. Secrets
/// are recognised by property name so that the masking holds for every module, including ones
/// the master build does not know.
/// </summary>
public static class SecretConfigMask
{
    /// <summary>What a masked value reads as.</summary>
    public const string Mask = "********";

    private static readonly string[] SecretNameParts = ["password", "secret", "token", "apikey", "api_key", "passphrase", "credential"];

    /// <summary>Whether a property with this name holds a secret.</summary>
    public static bool IsSecretName(string propertyName) =>
        SecretNameParts.Any(part => propertyName.Contains(part, StringComparison.OrdinalIgnoreCase));

    /// <summary>The config JSON with every secret value replaced by <see cref="Mask"/>.</summary>
    public static string Apply(string configJson) => Transform(configJson, _ => Mask);

    /// <summary>The config JSON with every secret string value passed through <paramref name="change"/>.</summary>
    public static string Transform(string configJson, Func<string, string> change)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(configJson);
        }
        catch (JsonException)
        {
            // Stored configs were validated on the way in; an unreadable one is shown as nothing rather than risk showing a secret.
            return "{}";
        }

        TransformNode(root, change);
        return root?.ToJsonString() ?? "{}";
    }

    private static void TransformNode(JsonNode? node, Func<string, string> change)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (IsSecretName(name) && obj[name] is JsonValue value)
                    {
                        obj[name] = value.GetValueKind() == JsonValueKind.String ? change(value.GetValue<string>()) : Mask;
                    }
                    else
                    {
                        TransformNode(obj[name], change);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    TransformNode(item, change);
                }

                break;
        }
    }
}
