using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backupd.Contracts.NodeApi;

/// <summary>How the node API writes its bodies: as the REST API does (camel case, enums as camel-case strings).</summary>
public static class NodeApiJson
{
    /// <summary>The options both ends use.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
