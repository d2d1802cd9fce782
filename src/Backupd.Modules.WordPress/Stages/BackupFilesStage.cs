using Backupd.Bundles;
using Backupd.Modules.Resources;

namespace Backupd.Modules.WordPress.Stages;

/// <summary>
/// backup_files: streams wp-content straight from the site into the bundle (no copy), then,
/// once backup_db is done, the dump's ready zstd frame after it without compressing it again.
/// </summary>
internal static class BackupFilesStage
{
    public static async Task RunAsync(WordPressRunState run, StageContext context)
    {
        var ct = context.CancellationToken;
        var config = run.Config;
        if (!Directory.Exists(run.ContentPath))
        {
            throw new ModuleFailedException($"{run.ContentPath} does not exist: the job's path must be the WordPress root, the directory holding wp-content and wp-config.php.");
        }

        BundleWriter writer;
        BundleTreeSummary files;
        // The slots are not held while waiting for the dump: with one I/O slot, the dump itself needs it.
        using (await context.Resources.AcquireAsync(ResourceKind.Io, ct))
        using (await context.Resources.AcquireAsync(ResourceKind.Cpu, ct))
        {
            run.BundleFile = BundleWriter.CreateFile(WordPressRunState.BundlePath(context));
            var digests = run.Digests = BundleDigestFile.Create(Path.Combine(context.WorkDirectory, WordPressRunState.DigestsFile));
            writer = run.Writer = new BundleWriter(run.BundleFile, new BundleWriterOptions
            {
                CompressionLevel = config.CompressionLevel,
                Workers = context.Resources.CompressionThreads,
                FileStored = digests.Add,
            });
            files = run.Files = await writer.AddTreeAsync(run.ContentPath, WordPressRunState.ContentEntry, config.Exclude ?? [], new SynchronousProgress<BundleProgress>(p =>
                context.Reporter.Progress(p.BytesDone, null, $"{p.FilesDone} files, {p.CurrentPath}")), ct);
        }

        if (!run.DumpWritten.Task.IsCompleted)
        {
            context.Reporter.Progress(files.Bytes, null, "wp-content done; waiting for the database dump");
        }

        await run.DumpWritten.Task.WaitAsync(ct);
        using (await context.Resources.AcquireAsync(ResourceKind.Io, ct))
        using (await context.Resources.AcquireAsync(ResourceKind.Cpu, ct))
        {
            run.DumpDigest = await writer.AddSpooledFileAsync(run.DumpSpool!, WordPressRunState.DumpEntry, ct);
            // The dump is in the bundle now; its disk space is better spent on the bundle.
            await run.DumpSpool!.DisposeAsync();
            run.DumpSpool = null;
        }

        context.Reporter.Info($"wp-content: {files.Files} files, {files.Directories} directories, {files.Symlinks} symlinks, {files.Bytes} bytes" +
            (files.Skipped > 0 ? $"; {files.Skipped} special files skipped" : ""));
    }
}
