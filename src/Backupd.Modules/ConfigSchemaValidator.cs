using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backupd.Modules;

/// <summary>
/// Checks a config against the subset of JSON Schema that <see cref="System.Text.Json.Schema.JsonSchemaExporter"/>
/// emits for config types: type (with null), properties, required, additionalProperties, items,
/// enum, minimum and maximum. Written here rather than taken from a schema library because the
/// errors must name the field and say what is expected in plain words, and the schemas are our own.
/// </summary>
public static class ConfigSchemaValidator
{
    /// <summary>Every error found; empty when the value fits the schema.</summary>
    public static IReadOnlyList<ConfigError> Validate(JsonObject schema, JsonElement value)
    {
        var errors = new List<ConfigError>();
        Check(schema, value, "", errors);
        return errors;
    }

    private static void Check(JsonObject schema, JsonElement value, string path, List<ConfigError> errors)
    {
        var types = TypesOf(schema);
        if (types.Count > 0 && !types.Any(type => Fits(type, value)))
        {
            errors.Add(new ConfigError(path, $"must be {Describe(types)}, not {Describe(value)}"));
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(option => JsonNode.DeepEquals(option, JsonNode.Parse(value.GetRawText()))))
        {
            errors.Add(new ConfigError(path, $"must be one of {string.Join(", ", allowed.Select(option => option?.ToJsonString() ?? "null"))}"));
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(schema, value, path, errors);
                break;
            case JsonValueKind.Array when schema["items"] is JsonObject items:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Check(items, item, $"{path}[{index++}]", errors);
                }

                break;
            case JsonValueKind.Number:
                CheckRange(schema, value, path, errors);
                break;
        }
    }

    private static void CheckObject(JsonObject schema, JsonElement value, string path, List<ConfigError> errors)
    {
        var properties = schema["properties"] as JsonObject;
        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(n => n?.GetValue<string>()).OfType<string>())
            {
                if (!value.TryGetProperty(name, out var present) || present.ValueKind == JsonValueKind.Null && !AllowsNull(properties?[name] as JsonObject))
                {
                    errors.Add(new ConfigError(Join(path, name), "is required"));
                }
            }
        }

        foreach (var property in value.EnumerateObject())
        {
            if (properties?[property.Name] is JsonObject propertySchema)
            {
                Check(propertySchema, property.Value, Join(path, property.Name), errors);
            }
            else if (schema["additionalProperties"] is JsonValue closed && closed.GetValueKind() == JsonValueKind.False)
            {
                var known = properties is null ? "none" : string.Join(", ", properties.Select(p => p.Key));
                errors.Add(new ConfigError(Join(path, property.Name), $"is not a known setting (known: {known})"));
            }
        }
    }

    private static void CheckRange(JsonObject schema, JsonElement value, string path, List<ConfigError> errors)
    {
        var number = value.GetDouble();
        if (schema["minimum"] is JsonValue min && number < min.GetValue<double>())
        {
            errors.Add(new ConfigError(path, $"must be at least {min}"));
        }

        if (schema["maximum"] is JsonValue max && number > max.GetValue<double>())
        {
            errors.Add(new ConfigError(path, $"must be at most {max}"));
        }
    }

    private static List<string> TypesOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue single => [single.GetValue<string>()],
        JsonArray many => [.. many.Select(t => t!.GetValue<string>())],
        _ => [],
    };

    private static bool AllowsNull(JsonObject? schema) => schema is not null && TypesOf(schema).Contains("null");

    private static bool Fits(string type, JsonElement value) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    private static string Describe(List<string> types) =>
        string.Join(" or ", types.Select(type => type switch
        {
            "object" => "an object",
            "array" => "a list",
            "integer" => "a whole number",
            "null" => "null",
            _ => "a " + type,
        }));

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
