using System.Text.Json;
using System.Text.Json.Nodes;
using Backupd.Modules.WordPress.Verification;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// What a restore must remember once it begins to change the target, so an attempt that follows a
/// crash goes on from there instead of starting again over a half-swapped site: written before the
/// swap (resume at <c>swap</c>, which finishes what was begun), after it (resume at <c>check</c>)
/// and after the check (resume at <c>cleanup</c>). Nothing in it is secret: the database settings
/// are read again from the job's config and the site.
/// </summary>
internal sealed record RestoreResume(
    string Stage,
    WordPressBundleReport Report,
    string SourcePrefix,
    string TargetPrefix,
    IReadOnlyList<string>? RestoredTables,
    IReadOnlyList<string> ReplacedTables,
    bool OurMaintenance)
{
    /// <summary>The stages a restore can go on from.</summary>
    public static bool CanResumeAt(string stage) =>
        stage is WordPressRestoreModule.StageNames.Swap or WordPressRestoreModule.StageNames.Check or WordPressRestoreModule.StageNames.Cleanup;

    /// <summary>Writes the checkpoint, flushed, into the job's work directory.</summary>
    public Task WriteAsync(StageContext context) =>
        new ResumeCheckpoint(Stage, context.Time.GetUtcNow(), [], new JsonObject
        {
            ["report"] = JsonSerializer.SerializeToNode(Report, SerializerOptions),
            ["sourcePrefix"] = SourcePrefix,
            ["targetPrefix"] = TargetPrefix,
            ["restoredTables"] = RestoredTables is null ? null : new JsonArray([.. RestoredTables.Select(table => JsonValue.Create(table))]),
            ["replacedTables"] = new JsonArray([.. ReplacedTables.Select(table => JsonValue.Create(table))]),
            ["ourMaintenance"] = OurMaintenance,
        }).WriteAsync(context.WorkDirectory, CancellationToken.None);

    /// <summary>The notes of a checkpoint; null when they are not a restore's (another version's, or damaged).</summary>
    public static RestoreResume? Read(ResumeCheckpoint checkpoint)
    {
        if (!CanResumeAt(checkpoint.Stage))
        {
            return null;
        }

        try
        {
            var state = checkpoint.State;
            var report = state["report"]?.Deserialize<WordPressBundleReport>(SerializerOptions);
            var source = state["sourcePrefix"]?.GetValue<string>();
            var target = state["targetPrefix"]?.GetValue<string>();
            var replaced = state["replacedTables"]?.AsArray().Select(Name).ToList();
            var restored = state["restoredTables"]?.AsArray().Select(Name).ToList();
            var maintenance = state["ourMaintenance"]?.GetValue<bool>();
            return report is null || source is null || target is null || replaced is null || maintenance is null
                ? null
                : new RestoreResume(checkpoint.Stage, report, source, target, restored, replaced, maintenance.Value);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or JsonException)
        {
            return null;
        }
    }

    private static string Name(JsonNode? table) => table?.GetValue<string>() ?? throw new FormatException("a table name is missing");

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);
}
