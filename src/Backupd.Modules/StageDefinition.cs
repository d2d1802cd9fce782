namespace Backupd.Modules;

/// <summary>One stage of a module's run, in the order the stages run.</summary>
/// <param name="Name">The stage's name as jobs report it, e.g. <c>backup_db</c>.</param>
/// <param name="Description">What the stage does, for the API and dashboard.</param>
/// <param name="AlwaysRuns">Runs even after an earlier stage failed or the job was cancelled (clean-up).</param>
/// <param name="RunsAlongsideNext">
/// The next stage starts at once instead of waiting for this one to end; the stage after both
/// waits for both. A later stage of the pair that needs this one's output must wait for it itself.
/// </param>
public sealed record StageDefinition(string Name, string Description, bool AlwaysRuns = false, bool RunsAlongsideNext = false);
