using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Backupd.Modules;

/// <summary>
/// A module whose config is a C# type: its JSON Schema is exported from that type (with
/// <see cref="DescriptionAttribute"/> texts), and a config is checked against the schema before
/// it is bound, so every error names the field in the user's own terms.
/// </summary>
/// <typeparam name="TConfig">The config type, bound with camel-case names.</typeparam>
public abstract class BackupModule<TConfig> : BackupModule
    where TConfig : class
{
    private readonly Lazy<JsonObject> _schema;

    protected BackupModule()
    {
        _schema = new Lazy<JsonObject>(ExportSchema);
    }

    /// <summary>How configs are read: camel case, no unknown fields, nullability respected.</summary>
    protected static JsonSerializerOptions ConfigSerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        NumberHandling = JsonNumberHandling.Strict,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public sealed override JsonObject ConfigSchema => (JsonObject)_schema.Value.DeepClone();

    public sealed override IReadOnlyList<ConfigError> ValidateConfig(JsonElement config)
    {
        var errors = ConfigSchemaValidator.Validate(_schema.Value, config);
        if (errors.Count > 0)
        {
            return errors;
        }

        TConfig? bound;
        try
        {
            bound = config.Deserialize<TConfig>(ConfigSerializerOptions);
        }
        catch (JsonException ex)
        {
            return [new ConfigError(FieldOf(ex.Path), "has a value that does not fit its type")];
        }

        return bound is null ? [new ConfigError("", "must be a JSON object")] : [.. Validate(bound)];
    }

    public sealed override ModuleRun CreateRun(JsonElement config)
    {
        var errors = ValidateConfig(config);
        if (errors.Count > 0)
        {
            throw new ModuleConfigException(Name, errors);
        }

        return CreateRun(config.Deserialize<TConfig>(ConfigSerializerOptions)!);
    }

    /// <summary>Checks beyond the schema (an absolute path, a sane port…); the schema has already passed.</summary>
    protected virtual IEnumerable<ConfigError> Validate(TConfig config) => [];

    /// <summary>Starts a run with a bound, valid config.</summary>
    protected abstract ModuleRun CreateRun(TConfig config);

    private static string FieldOf(string? jsonPath) => jsonPath is null ? "" : jsonPath.TrimStart('$').TrimStart('.');

    private static JsonObject ExportSchema()
    {
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, schema) =>
            {
                var provider = context.PropertyInfo?.AttributeProvider ?? context.TypeInfo.Type;
                if (schema is JsonObject obj && provider.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false) is [DescriptionAttribute description, ..])
                {
                    obj.Insert(0, "description", description.Description);
                }

                return schema;
            },
        };
        var schema = (JsonObject)ConfigSerializerOptions.GetJsonSchemaAsNode(typeof(TConfig), exporter);
        schema.Insert(0, "$schema", "https://json-schema.org/draft/2020-12/schema");
        return schema;
    }
}
