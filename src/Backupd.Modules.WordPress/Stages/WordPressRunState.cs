using Backupd.Bundles;
using Backupd.Modules.Storage;

namespace Backupd.Modules.WordPress.Stages;

/// <summary>
/// What one WordPress backup's stages hand each other: what backup_db learnt about the site,
/// the bundle backup_files writes and create_bundle finishes, and what is left open until
/// cleanup. Each stage is a file of its own; this is all they share.
/// </summary>
internal sealed class WordPressRunState(WordPressJobConfig config) : IAsyncDisposable
{
    public const string DumpEntry = "database.sql";
    public const string DumpSpoolFile = "database.sql.spool";
    public const string ManifestEntry = "manifest.json";
    public const string ContentEntry = "wp-content";
    public const string DigestsFile = "manifest-files.bin";

    public WordPressJobConfig Config { get; } = config;

    public string ContentPath => Path.Combine(Config.Path, ContentEntry);

    // backup_db's findings.
    public WordPressConfig? Site { get; set; }

    public DatabaseConnectionSettings? Database { get; set; }

    public string? SiteUrl { get; set; }

    public string? WordPressVersion { get; set; }

    public DatabaseDumpResult? Dump { get; set; }

    public BundleSpool? DumpSpool { get; set; }

    /// <summary>
    /// backup_files runs alongside backup_db and appends the dump once this completes; cancelled
    /// when the dump fails.
    /// </summary>
    public TaskCompletionSource DumpWritten { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The bundle being written (backup_files) and finished (create_bundle).
    public FileStream? BundleFile { get; set; }

    public BundleWriter? Writer { get; set; }

    public BundleDigestFile? Digests { get; set; }

    public BundleTreeSummary? Files { get; set; }

    public BundleFileDigest? DumpDigest { get; set; }

    public BundleResult? Bundle { get; set; }

    /// <summary>Where the bundle is written in the job's work dir.</summary>
    public static string BundlePath(StageContext context) => Path.Combine(context.WorkDirectory, "bundle" + BundleKey.Extension);

    // Each one is released whatever the others do: one failing (a full disk) must not leave the rest open.
    public async ValueTask DisposeAsync()
    {
        var errors = new List<Exception>();
        var (spool, writer, bundleFile, digests) = (DumpSpool, Writer, BundleFile, Digests);
        (DumpSpool, Writer, BundleFile, Digests) = (null, null, null, null);
        await ReleaseAsync(spool);
        await ReleaseAsync(writer);
        await ReleaseAsync(bundleFile);
        await ReleaseAsync(digests);
        if (errors.Count > 0)
        {
            throw errors.Count == 1 ? errors[0] : new AggregateException(errors);
        }

        async Task ReleaseAsync(IAsyncDisposable? held)
        {
            try
            {
                if (held is not null)
                {
                    await held.DisposeAsync();
                }
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }
    }
}
