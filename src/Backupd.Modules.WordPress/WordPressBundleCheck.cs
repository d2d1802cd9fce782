using System.Text.Json;
using Backupd.Bundles;
using Backupd.Modules.WordPress.Stages;

namespace Backupd.Modules.WordPress;

/// <summary>
/// Checks a WordPress bundle against the manifest it carries, reading it once and writing nothing
/// but the manifest into a work directory: every wp-content file the manifest lists is there, in
/// order, with its size and SHA-256, and nothing else is; the database dump matches; the frames
/// decode and every entry is one an extraction would accept. A verify job, and a restore before it
/// touches anything, rest on it.
/// </summary>
public static class WordPressBundleCheck
{
    /// <summary>The manifest format this build reads.</summary>
    public const string Format = "backupd-bundle/1";

    // About 120 bytes a file: room for two million files, and a bound on what a hostile bundle can make us hold.
    private const long ManifestLimit = 256L << 20;

    /// <summary>Checks the bundle at <paramref name="bundlePath"/>.</summary>
    /// <param name="bundlePath">The <c>.tar.zst</c>.</param>
    /// <param name="workDirectory">An existing directory for the manifest and the file list while they are compared.</param>
    /// <param name="progress">Told the bundle bytes read so far.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>What the bundle holds, as checked.</returns>
    /// <exception cref="DamagedBundleException">The bundle is truncated or its bytes changed.</exception>
    /// <exception cref="HostileBundleEntryException">An entry no restore may write.</exception>
    /// <exception cref="BundleManifestMismatchException">The bundle and its manifest disagree, or there is no manifest.</exception>
    public static async Task<WordPressBundleReport> CheckAsync(string bundlePath, string workDirectory, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await using var bundle = new FileStream(bundlePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        return await CheckAsync(bundle, workDirectory, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks the bundle <paramref name="bundle"/> reads from its start, as <see cref="CheckAsync(string, string, IProgress{long}?, CancellationToken)"/> does a file.</summary>
    public static async Task<WordPressBundleReport> CheckAsync(Stream bundle, string workDirectory, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var manifestPath = Path.Combine(workDirectory, "check-" + WordPressRunState.ManifestEntry);
        var digestsPath = Path.Combine(workDirectory, "check-" + WordPressRunState.DigestsFile);
        try
        {
            await using var digests = BundleDigestFile.Create(digestsPath);
            BundleInspectionResult found;
            await using (var manifest = new FileStream(manifestPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                found = await BundleInspection.InspectAsync(bundle, digests, WordPressRunState.ManifestEntry, manifest, ManifestLimit, progress, cancellationToken).ConfigureAwait(false);
            }

            if (!found.Kept)
            {
                throw new BundleManifestMismatchException($"it has no {WordPressRunState.ManifestEntry}, so nothing says what it should hold");
            }

            if (found.LastEntry != WordPressRunState.ManifestEntry)
            {
                throw new BundleManifestMismatchException($"'{found.LastEntry}' comes after {WordPressRunState.ManifestEntry}, which a backup writes last");
            }

            await using var manifestFile = new FileStream(manifestPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            using var document = await ParseAsync(manifestFile, cancellationToken).ConfigureAwait(false);
            return Compare(document.RootElement, digests.ReadAll(), found);
        }
        finally
        {
            File.Delete(manifestPath);
            File.Delete(digestsPath);
        }
    }

    private static async Task<JsonDocument> ParseAsync(Stream manifest, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(manifest, default, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new BundleManifestMismatchException($"its {WordPressRunState.ManifestEntry} is not JSON ({ex.Message})");
        }
    }

    private static WordPressBundleReport Compare(JsonElement manifest, IEnumerable<BundleFileDigest> stored, BundleInspectionResult found)
    {
        if (String(manifest, "format") != Format)
        {
            throw new BundleManifestMismatchException($"its manifest's format is '{String(manifest, "format")}', not {Format}");
        }

        var database = Object(manifest, "database");
        var files = Object(manifest, "files");
        var dumpEntry = String(database, "entry") ?? WordPressRunState.DumpEntry;
        var listed = Array(files, "entries").GetEnumerator();
        var root = WordPressRunState.ContentEntry + "/";
        var (fileCount, fileBytes) = (0, 0L);
        BundleFileDigest? dump = null;
        foreach (var file in stored)
        {
            if (file.EntryName == WordPressRunState.ManifestEntry)
            {
                continue;
            }

            if (file.EntryName == dumpEntry)
            {
                Expect(file, Number(database, "bytes"), String(database, "sha256"));
                dump = file;
                continue;
            }

            if (!file.EntryName.StartsWith(root, StringComparison.Ordinal))
            {
                throw new BundleManifestMismatchException($"'{file.EntryName}' is in it, and a WordPress bundle holds only {root}…, {dumpEntry} and {WordPressRunState.ManifestEntry}");
            }

            if (!listed.MoveNext())
            {
                throw new BundleManifestMismatchException($"'{file.EntryName}' is in it but not in its manifest");
            }

            var entry = listed.Current;
            if (String(entry, "path") != file.EntryName)
            {
                throw new BundleManifestMismatchException($"'{file.EntryName}' is where its manifest lists '{String(entry, "path")}'");
            }

            Expect(file, Number(entry, "size"), String(entry, "sha256"));
            fileCount++;
            fileBytes += file.Size;
        }

        if (listed.MoveNext())
        {
            throw new BundleManifestMismatchException($"its manifest lists '{String(listed.Current, "path")}', which it does not hold");
        }

        if (dump is null && Number(database, "bytes") is not null)
        {
            throw new BundleManifestMismatchException($"its manifest lists the database dump {dumpEntry}, which it does not hold");
        }

        if (Number(files, "count") is { } count && count != fileCount)
        {
            throw new BundleManifestMismatchException($"its manifest counts {count} files and it holds {fileCount}");
        }

        var site = manifest.TryGetProperty("site", out var siteElement) && siteElement.ValueKind == JsonValueKind.Object ? siteElement : default;
        return new WordPressBundleReport(fileCount, fileBytes, dump, found.Directories, found.Links, found.CompressedBytes,
            site.ValueKind == JsonValueKind.Object ? String(site, "url") : null, site.ValueKind == JsonValueKind.Object ? String(site, "tablePrefix") : null,
            String(manifest, "jobId"));
    }

    private static void Expect(BundleFileDigest file, long? size, string? sha256)
    {
        if (size != file.Size || !string.Equals(sha256, file.Sha256Hex, StringComparison.Ordinal))
        {
            throw new BundleManifestMismatchException(
                $"'{file.EntryName}' is {file.Size} bytes with SHA-256 {file.Sha256Hex}, and its manifest says {size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"} bytes with {sha256 ?? "no SHA-256"}");
        }
    }

    private static JsonElement Object(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : throw new BundleManifestMismatchException($"its manifest has no '{name}' object");

    private static JsonElement.ArrayEnumerator Array(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : throw new BundleManifestMismatchException($"its manifest has no '{name}' list");

    private static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;
}

/// <summary>What a checked WordPress bundle holds.</summary>
/// <param name="Files">wp-content files, each as its manifest lists it.</param>
/// <param name="FileBytes">Their size together.</param>
/// <param name="Dump">The database dump's entry, size and SHA-256 as checked; null when the bundle has none.</param>
/// <param name="Directories">Directories.</param>
/// <param name="Links">Symbolic links.</param>
/// <param name="BundleBytes">The bundle's own size.</param>
/// <param name="SiteUrl">The site's URL when it was backed up.</param>
/// <param name="TablePrefix">Its table prefix.</param>
/// <param name="JobId">The job that made it.</param>
public sealed record WordPressBundleReport(
    int Files, long FileBytes, BundleFileDigest? Dump, int Directories, int Links, long BundleBytes, string? SiteUrl, string? TablePrefix, string? JobId)
{
    /// <summary>The database dump's size, or null when the bundle has none.</summary>
    public long? DatabaseBytes => Dump?.Size;
}

/// <summary>A bundle and the manifest it carries disagree: a file changed, missing or added after the backup wrote it.</summary>
public sealed class BundleManifestMismatchException(string reason) : Exception($"The bundle does not match its manifest: {reason}.")
{
    /// <summary>What disagrees, in words.</summary>
    public string Reason { get; } = reason;
}
