using System.Text.Json;
using System.Text.Json.Nodes;
using Backupd.Modules.Bundles;
using Backupd.Modules.Resources;
using Backupd.Modules.Storage;

namespace Backupd.Modules.WordPress;

/// <summary>
/// One WordPress backup. wp-content streams straight from the site into the bundle (no copy) while
/// the dump runs beside it into a spool in the work dir, compressed as it arrives at the usual
/// levels (see <see cref="BundleSpool"/>): the two stages run together, and the dump's ready zstd
/// frame then joins the bundle after wp-content without being compressed again, so little is left
/// to do once its last bytes are in. The manifest, which carries every file's hash, is written
/// last so each file is read only once.
/// </summary>
internal sealed class WordPressRun(WordPressJobConfig config) : ModuleRun
{
    private const string DumpEntry = "database.sql";
    private const string DumpSpoolFile = "database.sql.spool";
    private const string ManifestEntry = "manifest.json";
    private const string ContentEntry = "wp-content";
    private const string DigestsFile = "manifest-files.bin";

    private WordPressConfig? _site;
    private DatabaseConnectionSettings? _database;
    private string? _siteUrl;
    private string? _wordPressVersion;
    private DatabaseDumpResult? _dump;
    private BundleSpool? _dumpSpool;
    private FileStream? _bundleFile;
    private BundleWriter? _writer;
    private BundleDigestFile? _digests;
    private BundleTreeSummary? _files;
    private BundleFileDigest? _dumpDigest;
    private BundleResult? _bundle;
    // backup_files runs alongside backup_db and appends the dump once this completes; cancelled when the dump fails.
    private readonly TaskCompletionSource _dumpWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private string ContentPath => Path.Combine(config.Path, ContentEntry);

    public override Task RunStageAsync(string stage, StageContext context) => stage switch
    {
        WordPressModule.StageNames.BackupDatabase => BackupDatabaseAsync(context),
        WordPressModule.StageNames.BackupFiles => BackupFilesAsync(context),
        WordPressModule.StageNames.CreateBundle => CreateBundleAsync(context),
        WordPressModule.StageNames.UploadRemote => UploadAsync(context),
        WordPressModule.StageNames.Cleanup => CleanupAsync(context),
        _ => throw new ArgumentException($"The wordpress module has no stage '{stage}'.", nameof(stage)),
    };

    private async Task BackupDatabaseAsync(StageContext context)
    {
        try
        {
            await DumpDatabaseAsync(context);
            _dumpWritten.TrySetResult();
        }
        catch
        {
            // Not the exception itself: the job's error is backup_db's, and backup_files just stops.
            _dumpWritten.TrySetCanceled();
            throw;
        }
    }

    private async Task DumpDatabaseAsync(StageContext context)
    {
        var ct = context.CancellationToken;
        _site = await WordPressConfigReader.ReadAsync(config.Path, ct);
        _database = WordPressDatabaseSettings.Resolve(_site, config.Db);
        context.Reporter.Info($"Site at {config.Path}: database {_database.Database} as {_database.User} on {_database.Endpoint}, table prefix {_site.TablePrefix}");
        await FreeSpaceCheck.EnsureAsync(context, ContentPath, _database);

        using var slot = await context.Resources.AcquireAsync(ResourceKind.Io, ct);
        // No CPU slot: backup_files holds one meanwhile, and the spool compresses on one thread only
        // at levels where that keeps up with mysqldump (see BundleSpool).
        _dumpSpool = BundleSpool.Create(Path.Combine(context.WorkDirectory, DumpSpoolFile), config.CompressionLevel);
        await using (var counted = new MeteredWriteStream(_dumpSpool, computeSha256: false, bytes => context.Reporter.Progress(bytes)))
        {
            _dump = await new DatabaseDumper(context.WorkDirectory).DumpAsync(_database, counted, ct);
        }

        await _dumpSpool.CompleteAsync(ct);

        foreach (var warning in _dump.Warnings)
        {
            context.Reporter.Warning(warning);
        }

        _siteUrl = await WordPressSiteInfoReader.ReadSiteUrlAsync(_database, _site.TablePrefix, ct);
        _wordPressVersion = await WordPressVersionReader.ReadAsync(config.Path, ct);
        context.Reporter.Progress(_dump.Bytes, _dump.Bytes, $"Dumped {_dump.Bytes} bytes");
    }

    private async Task BackupFilesAsync(StageContext context)
    {
        var ct = context.CancellationToken;
        if (!Directory.Exists(ContentPath))
        {
            throw new ModuleFailedException($"{ContentPath} does not exist: the job's path must be the WordPress root, the directory holding wp-content and wp-config.php.");
        }

        var bundlePath = Path.Combine(context.WorkDirectory, "bundle" + BundleKey.Extension);
        // The slots are not held while waiting for the dump: with one I/O slot, the dump itself needs it.
        using (await context.Resources.AcquireAsync(ResourceKind.Io, ct))
        using (await context.Resources.AcquireAsync(ResourceKind.Cpu, ct))
        {
            _bundleFile = BundleWriter.CreateFile(bundlePath);
            _digests = BundleDigestFile.Create(Path.Combine(context.WorkDirectory, DigestsFile));
            _writer = new BundleWriter(_bundleFile, new BundleWriterOptions
            {
                CompressionLevel = config.CompressionLevel,
                Workers = context.Resources.CompressionThreads,
                FileStored = _digests.Add,
            });
            _files = await _writer.AddTreeAsync(ContentPath, ContentEntry, config.Exclude ?? [], new SynchronousProgress<BundleProgress>(p =>
                context.Reporter.Progress(p.BytesDone, null, $"{p.FilesDone} files, {p.CurrentPath}")), ct);
        }

        if (!_dumpWritten.Task.IsCompleted)
        {
            context.Reporter.Progress(_files.Bytes, null, "wp-content done; waiting for the database dump");
        }

        await _dumpWritten.Task.WaitAsync(ct);
        using (await context.Resources.AcquireAsync(ResourceKind.Io, ct))
        using (await context.Resources.AcquireAsync(ResourceKind.Cpu, ct))
        {
            _dumpDigest = await _writer.AddSpooledFileAsync(_dumpSpool!, DumpEntry, ct);
            // The dump is in the bundle now; its disk space is better spent on the bundle.
            await _dumpSpool!.DisposeAsync();
            _dumpSpool = null;
        }

        context.Reporter.Info($"wp-content: {_files.Files} files, {_files.Directories} directories, {_files.Symlinks} symlinks, {_files.Bytes} bytes" +
            (_files.Skipped > 0 ? $"; {_files.Skipped} special files skipped" : ""));
    }

    private async Task CreateBundleAsync(StageContext context)
    {
        var ct = context.CancellationToken;
        if (_writer is null || _bundleFile is null)
        {
            throw new InvalidOperationException("create_bundle ran before backup_files.");
        }

        using var cpu = await context.Resources.AcquireAsync(ResourceKind.Cpu, ct);
        var manifestPath = Path.Combine(context.WorkDirectory, ManifestEntry);
        var entries = _digests!.ReadAll().Where(d => d.EntryName != DumpEntry);
        await WordPressManifest.WriteAsync(manifestPath, Manifest(context), entries, ct);
        await _writer.AddFileAsync(manifestPath, ManifestEntry, ct);
        File.Delete(manifestPath);
        _bundle = await _writer.CompleteAsync(ct);
        await _writer.DisposeAsync();
        _writer = null;
        await _bundleFile.DisposeAsync();
        _bundleFile = null;
        var ratio = _bundle.UncompressedBytes > 0 ? (double)_bundle.CompressedBytes / _bundle.UncompressedBytes : 1;
        context.Reporter.Progress(_bundle.CompressedBytes, _bundle.CompressedBytes, $"{_bundle.CompressedBytes} bytes ({ratio:P0} of {_bundle.UncompressedBytes})");
        context.Reporter.Info($"Bundle: {_bundle.CompressedBytes} bytes, SHA-256 {_bundle.Sha256Hex}");
    }

    private async Task UploadAsync(StageContext context)
    {
        var ct = context.CancellationToken;
        if (_bundle is null)
        {
            throw new InvalidOperationException("upload_remote ran before create_bundle.");
        }

        var storage = await context.OpenStorageAsync(ct);
        using var slot = await context.Resources.AcquireAsync(ResourceKind.Network, ct);
        var key = BundleKey.Compose(context.NodeId, ModuleNames.WordPress, SiteName(), context.RunStartedAt, context.JobId);
        var bundlePath = Path.Combine(context.WorkDirectory, "bundle" + BundleKey.Extension);
        var size = _bundle.CompressedBytes;
        Result = await storage.UploadAsync(new BundleUpload(bundlePath, key, size, _bundle.Sha256Hex)
        {
            Progress = new SynchronousProgress<long>(done => context.Reporter.Progress(done, size)),
            Bandwidth = context.Resources.Bandwidth,
        }, ct);
        context.Reporter.Info($"Stored as {Result.Key} in {storage.Description}, verified ({Result.Size} bytes, SHA-256 {Result.Sha256Hex})");
    }

    private async Task CleanupAsync(StageContext context)
    {
        await DisposeOpenAsync();
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

    public override async ValueTask DisposeAsync()
    {
        await DisposeOpenAsync();
        await base.DisposeAsync();
    }

    // Each one is released whatever the others do: one failing (a full disk) must not leave the rest open.
    private async Task DisposeOpenAsync()
    {
        var errors = new List<Exception>();
        var (spool, writer, bundleFile, digests) = (_dumpSpool, _writer, _bundleFile, _digests);
        (_dumpSpool, _writer, _bundleFile, _digests) = (null, null, null, null);
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

    /// <summary>The site's address without the scheme, else the directory's name: a stable name for its bundles.</summary>
    private string SiteName()
    {
        if (Uri.TryCreate(_siteUrl, UriKind.Absolute, out var url))
        {
            var path = url.AbsolutePath.Trim('/');
            return path.Length == 0 ? url.Host : $"{url.Host}-{path}";
        }

        return Path.GetFileName(Path.TrimEndingDirectorySeparator(config.Path));
    }

    private JsonObject Manifest(StageContext context) => new()
    {
        ["format"] = "backupd-bundle/1",
        ["backupdVersion"] = context.BackupdVersion,
        ["module"] = ModuleNames.WordPress,
        ["jobId"] = context.JobId,
        ["nodeId"] = context.NodeId,
        ["createdAt"] = context.RunStartedAt.UtcDateTime.ToString("O"),
        ["site"] = new JsonObject
        {
            ["url"] = _siteUrl,
            ["path"] = config.Path,
            ["wordpressVersion"] = _wordPressVersion,
            ["tablePrefix"] = _site?.TablePrefix,
        },
        ["database"] = new JsonObject
        {
            ["entry"] = DumpEntry,
            ["name"] = _database?.Database,
            ["charset"] = _database?.Charset,
            ["bytes"] = _dumpDigest?.Size,
            ["sha256"] = _dumpDigest?.Sha256Hex,
        },
        ["files"] = new JsonObject
        {
            ["root"] = ContentEntry,
            ["count"] = _files?.Files,
            ["directories"] = _files?.Directories,
            ["symlinks"] = _files?.Symlinks,
            ["bytes"] = _files?.Bytes,
            ["exclude"] = new JsonArray([.. (config.Exclude ?? []).Select(p => JsonValue.Create(p))]),
            // "entries" follows: WordPressManifest streams it from the digest file.
        },
    };
}
