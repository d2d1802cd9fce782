using System.Text.Json.Nodes;
using Backupd.Bundles;

namespace Backupd.Modules.WordPress.Stages;

/// <summary>
/// A WordPress job resumes at upload_remote once its bundle is finished: the checkpoint names the
/// bundle and carries its size and SHA-256, and the site's address for the bundle's key. The
/// upload reads the whole bundle again and checks that SHA-256 before anything counts as stored,
/// so a bundle damaged on disk meanwhile is never passed off as the backup.
/// </summary>
internal static class WordPressResume
{
    public static ResumeCheckpoint Checkpoint(WordPressRunState run, StageContext context) => new(
        WordPressModule.StageNames.UploadRemote,
        context.RunStartedAt,
        [Path.GetFileName(WordPressRunState.BundlePath(context))],
        new JsonObject
        {
            ["bytes"] = run.Bundle!.CompressedBytes,
            ["sha256"] = run.Bundle.Sha256Hex,
            ["uncompressedBytes"] = run.Bundle.UncompressedBytes,
            ["siteUrl"] = run.SiteUrl,
        });

    public static bool TryResume(WordPressRunState run, ResumeCheckpoint checkpoint, string workDirectory)
    {
        try
        {
            return TakeOver(run, checkpoint, workDirectory);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // Notes of another shape (written by another version): make the bundle again.
            return false;
        }
    }

    private static bool TakeOver(WordPressRunState run, ResumeCheckpoint checkpoint, string workDirectory)
    {
        if (checkpoint.Stage != WordPressModule.StageNames.UploadRemote || checkpoint.Files is not [var bundleName]
            || checkpoint.State["bytes"]?.GetValue<long>() is not { } bytes
            || checkpoint.State["sha256"]?.GetValue<string>() is not { Length: 64 } sha256
            || new FileInfo(Path.Combine(workDirectory, bundleName)) is not { Exists: true } file || file.Length != bytes)
        {
            return false;
        }

        run.Bundle = new BundleResult(bytes, sha256, checkpoint.State["uncompressedBytes"]?.GetValue<long>() ?? 0, []);
        run.SiteUrl = checkpoint.State["siteUrl"]?.GetValue<string>();
        return true;
    }
}
