namespace Backupd.Modules.WordPress.Stages;

/// <summary>
/// cleanup: closes what the run still holds and empties the job's work dir; runs after success,
/// failure and cancel alike. A run interrupted by the node keeps what its checkpoint names.
/// </summary>
internal static class CleanupStage
{
    public static async Task RunAsync(WordPressRunState run, StageContext context)
    {
        await run.DisposeAsync();
        if (context.Interrupted() && Directory.Exists(context.WorkDirectory))
        {
            // Not failed, not cancelled: what a checkpoint names stays for the next attempt.
            ResumeCheckpoint.PruneAround(context.WorkDirectory);
            return;
        }

        if (Directory.Exists(context.WorkDirectory))
        {
            ResumeCheckpoint.EmptyDirectory(context.WorkDirectory, _ => false);
        }
    }
}
