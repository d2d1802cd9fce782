namespace Backupd.Modules.WordPress.Stages;

/// <summary>cleanup: closes what the run still holds and empties the job's work dir; runs after success, failure and cancel alike.</summary>
internal static class CleanupStage
{
    public static async Task RunAsync(WordPressRunState run, StageContext context)
    {
        await run.DisposeAsync();
        if (Directory.Exists(context.WorkDirectory))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(context.WorkDirectory))
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
        }
    }
}
