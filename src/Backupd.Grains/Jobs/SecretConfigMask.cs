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
    public static string Apply(string configJson)
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

        MaskNode(root);
        return root?.ToJsonString() ?? "{}";
    }

    private static void MaskNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (IsSecretName(name) && obj[name] is JsonValue)
                    {
                        obj[name] = Mask;
                    }
                    else
                    {
                        MaskNode(obj[name]);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    MaskNode(item);
                }

                break;
        }
    }
}
