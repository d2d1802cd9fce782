using System.Text.Json;
using Backupd.Grains.Jobs;

namespace Backupd.Dashboard.Components.Shared;

/// <summary>
/// What a schedule and a job started by hand have in common: the node that does the work, the
/// module, its config as JSON, the provider the bundle goes to and the priority.
/// </summary>
public class WorkForm
{
    /// <summary>The node's id.</summary>
    public string? NodeId { get; set; }

    /// <summary>The module's name.</summary>
    public string? Module { get; set; }

    /// <summary>The module's config as the admin typed it.</summary>
    public string? Config { get; set; } = "{\"path\": \"\"}";

    /// <summary>The storage provider's id.</summary>
    public string? ProviderId { get; set; }

    /// <summary>0 to 10; higher runs first.</summary>
    public int Priority { get; set; } = 5;

    /// <summary>
    /// The config as JSON, or false with the reason under the config field: text that is not
    /// JSON, or secrets still shown as the mask, which would otherwise be saved as the mask.
    /// </summary>
    public bool TryReadConfig(FieldErrors errors, out JsonElement config)
    {
        config = default;
        if (Config?.Contains(SecretConfigMask.Mask, StringComparison.Ordinal) == true)
        {
            errors.Set("config", "config holds secrets shown masked: type them again, or they would be saved as the mask.");
            return false;
        }

        try
        {
            config = JsonDocument.Parse(string.IsNullOrWhiteSpace(Config) ? "{}" : Config).RootElement.Clone();
            return true;
        }
        catch (JsonException ex)
        {
            errors.Set("config", $"config is not JSON: {ex.Message}");
            return false;
        }
    }
}
