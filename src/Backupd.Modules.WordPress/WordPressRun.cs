using Backupd.Bundles;
using Backupd.Modules.WordPress.Stages;

namespace Backupd.Modules.WordPress;

/// <summary>
/// One WordPress backup. wp-content streams straight from the site into the bundle (no copy) while
/// the dump runs beside it into a spool in the work dir, compressed as it arrives at the usual
/// levels (see <see cref="BundleSpool"/>): the two stages run together, and the dump's ready zstd
/// frame then joins the bundle after wp-content without being compressed again, so little is left
/// to do once its last bytes are in. The manifest, which carries every file's hash, is written
/// last so each file is read only once. Each stage is a file in <c>Stages/</c> over
/// <see cref="WordPressRunState"/>.
/// </summary>
internal sealed class WordPressRun(WordPressJobConfig config) : ModuleRun
{
    private readonly WordPressRunState _run = new(config);

    public override async Task RunStageAsync(string stage, StageContext context)
    {
        switch (stage)
        {
            case WordPressModule.StageNames.BackupDatabase:
                await BackupDatabaseStage.RunAsync(_run, context);
                break;
            case WordPressModule.StageNames.BackupFiles:
                await BackupFilesStage.RunAsync(_run, context);
                break;
            case WordPressModule.StageNames.CreateBundle:
                await CreateBundleStage.RunAsync(_run, context);
                break;
            case WordPressModule.StageNames.UploadRemote:
                Result = await UploadStage.RunAsync(_run, context);
                break;
            case WordPressModule.StageNames.Cleanup:
                await CleanupStage.RunAsync(_run, context);
                break;
            default:
                throw new ArgumentException($"The wordpress module has no stage '{stage}'.", nameof(stage));
        }
    }

    public override bool TryResume(ResumeCheckpoint checkpoint, string workDirectory) => WordPressResume.TryResume(_run, checkpoint, workDirectory);

    public override async ValueTask DisposeAsync()
    {
        await _run.DisposeAsync();
        await base.DisposeAsync();
    }
}
