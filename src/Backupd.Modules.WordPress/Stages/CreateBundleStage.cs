using System.Text.Json.Nodes;
using Backupd.Modules.Resources;

namespace Backupd.Modules.WordPress.Stages;

/// <summary>
/// create_bundle: writes the manifest, which carries every file's hash, as the bundle's last
/// member (so each file was read only once) and finishes the bundle.
/// </summary>
internal static class CreateBundleStage
{
    public static async Task RunAsync(WordPressRunState run, StageContext context)
    {
        var ct = context.CancellationToken;
        if (run.Writer is not { } writer || run.BundleFile is not { } bundleFile)
        {
            throw new InvalidOperationException("create_bundle ran before backup_files.");
        }

        using var cpu = await context.Resources.AcquireAsync(ResourceKind.Cpu, ct);
        var manifestPath = Path.Combine(context.WorkDirectory, WordPressRunState.ManifestEntry);
        var entries = run.Digests!.ReadAll().Where(d => d.EntryName != WordPressRunState.DumpEntry);
        await WordPressManifest.WriteAsync(manifestPath, Manifest(run, context), entries, ct);
        await writer.AddFileAsync(manifestPath, WordPressRunState.ManifestEntry, ct);
        File.Delete(manifestPath);
        var bundle = run.Bundle = await writer.CompleteAsync(ct);
        await writer.DisposeAsync();
        run.Writer = null;
        await bundleFile.DisposeAsync();
        run.BundleFile = null;
        var ratio = bundle.UncompressedBytes > 0 ? (double)bundle.CompressedBytes / bundle.UncompressedBytes : 1;
        context.Reporter.Progress(bundle.CompressedBytes, bundle.CompressedBytes, $"{bundle.CompressedBytes} bytes ({ratio:P0} of {bundle.UncompressedBytes})");
        context.Reporter.Info($"Bundle: {bundle.CompressedBytes} bytes, SHA-256 {bundle.Sha256Hex}");
        // From here a later attempt need not make the bundle again: a node that stops or crashes
        // during the upload uploads this one when the job comes back.
        await WordPressResume.Checkpoint(run, context).WriteAsync(context.WorkDirectory, ct);
    }

    private static JsonObject Manifest(WordPressRunState run, StageContext context) => new()
    {
        ["format"] = "backupd-bundle/1",
        ["backupdVersion"] = context.BackupdVersion,
        ["module"] = ModuleNames.WordPress,
        ["jobId"] = context.JobId,
        ["nodeId"] = context.NodeId,
        ["createdAt"] = context.RunStartedAt.UtcDateTime.ToString("O"),
        ["site"] = new JsonObject
        {
            ["url"] = run.SiteUrl,
            ["path"] = run.Config.Path,
            ["wordpressVersion"] = run.WordPressVersion,
            ["tablePrefix"] = run.Site?.TablePrefix,
        },
        ["database"] = new JsonObject
        {
            ["entry"] = WordPressRunState.DumpEntry,
            ["name"] = run.Database?.Database,
            ["charset"] = run.Database?.Charset,
            ["bytes"] = run.DumpDigest?.Size,
            ["sha256"] = run.DumpDigest?.Sha256Hex,
        },
        ["files"] = new JsonObject
        {
            ["root"] = WordPressRunState.ContentEntry,
            ["count"] = run.Files?.Files,
            ["directories"] = run.Files?.Directories,
            ["symlinks"] = run.Files?.Symlinks,
            ["bytes"] = run.Files?.Bytes,
            ["exclude"] = new JsonArray([.. (run.Config.Exclude ?? []).Select(p => JsonValue.Create(p))]),
            // "entries" follows: WordPressManifest streams it from the digest file.
        },
    };
}
