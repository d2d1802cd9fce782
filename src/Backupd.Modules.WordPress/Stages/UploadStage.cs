using Backupd.Modules.Resources;
using Backupd.Modules.Storage;

namespace Backupd.Modules.WordPress.Stages;

/// <summary>upload_remote: stores the bundle under its key with the job's provider, which verifies it.</summary>
internal static class UploadStage
{
    public static async Task<StoredBundleInfo> RunAsync(WordPressRunState run, StageContext context)
    {
        var ct = context.CancellationToken;
        if (run.Bundle is not { } bundle)
        {
            throw new InvalidOperationException("upload_remote ran before create_bundle.");
        }

        var storage = await context.OpenStorageAsync(ct);
        using var slot = await context.Resources.AcquireAsync(ResourceKind.Network, ct);
        var key = await context.PlaceBundleAsync(SiteName(run), bundle.Sha256Hex, ct);
        var size = bundle.CompressedBytes;
        var stored = await storage.UploadAsync(new BundleUpload(WordPressRunState.BundlePath(context), key, size, bundle.Sha256Hex)
        {
            Progress = new SynchronousProgress<long>(done => context.Reporter.Progress(done, size)),
            KeepWhenCancelled = context.Interrupted,
        }, ct);
        context.Reporter.Info($"Stored as {stored.Key} in {storage.Description}, verified ({stored.Size} bytes, SHA-256 {stored.Sha256Hex})");
        return stored;
    }

    /// <summary>The site's address without the scheme, else the directory's name: a stable name for its bundles.</summary>
    private static string SiteName(WordPressRunState run)
    {
        if (Uri.TryCreate(run.SiteUrl, UriKind.Absolute, out var url))
        {
            var path = url.AbsolutePath.Trim('/');
            return path.Length == 0 ? url.Host : $"{url.Host}-{path}";
        }

        return Path.GetFileName(Path.TrimEndingDirectorySeparator(run.Config.Path));
    }
}
