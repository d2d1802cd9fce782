using System.Text.Json;

namespace Backupd.Modules;

/// <summary>
/// What a restore job's config says about the copy it keeps of what it replaces (its
/// <c>safetyBackup</c>), read from the JSON: the grains, which track those copies, have no module
/// registry and not the WordPress module's config type.
/// </summary>
public static class RestoreKeptCopy
{
    /// <summary>The restore stage that replaces the live site: a kept copy exists once it completed.</summary>
    public const string SwapStage = "swap";

    /// <summary>The config property of an undo: the restore whose kept copy it swaps back in.</summary>
    public const string UndoOfProperty = "undoOf";

    /// <summary>The config property of a discard: the restore whose kept copy it removes.</summary>
    public const string DiscardKeptOfProperty = "discardKeptOf";

    /// <summary>
    /// Whether a restore with this config that swapped keeps what it replaced: a restore (or an undo)
    /// in place, not a dry run, a test-restore, a new site or a discard; with safetyBackup on, or
    /// off but not <paramref name="completed"/> (the copy goes only once the restored site checked out).
    /// </summary>
    public static bool Keeps(string configJson, bool completed)
    {
        using var config = Parse(configJson);
        if (config is null)
        {
            return false;
        }

        var root = config.RootElement;
        return (Flag(root, "keepReplaced", true) || !completed) && !Flag(root, "dryRun", false) && !Flag(root, "testRestore", false) && !Flag(root, "newSite", false)
            && Text(root, DiscardKeptOfProperty) is null;
    }

    /// <summary>The site (WordPress root) a restore-module config works on.</summary>
    public static string? Site(string configJson)
    {
        using var config = Parse(configJson);
        return config is null ? null : Text(config.RootElement, "path");
    }

    /// <summary>The restore whose kept copy a job with this config ends (an undo, or a discard), or null.</summary>
    public static (string RestoreJobId, bool Undo)? Ends(string configJson)
    {
        using var config = Parse(configJson);
        if (config is null)
        {
            return null;
        }

        return Text(config.RootElement, UndoOfProperty) is { } undone ? (undone, true)
            : Text(config.RootElement, DiscardKeptOfProperty) is { } discarded ? (discarded, false)
            : null;
    }

    private static JsonDocument? Parse(string configJson)
    {
        try
        {
            var config = JsonDocument.Parse(configJson);
            if (config.RootElement.ValueKind == JsonValueKind.Object)
            {
                return config;
            }

            config.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool Flag(JsonElement config, string name, bool absent) =>
        config.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.True || (value.ValueKind != JsonValueKind.False && absent) : absent;

    private static string? Text(JsonElement config, string name) =>
        config.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
