using Backupd.Bundles;
using Backupd.Modules.Resources;

namespace Backupd.Modules.WordPress.Stages;

/// <summary>
/// backup_db: reads wp-config.php, checks free space, and dumps the database into a spool in the
/// work dir, compressed as it arrives (see <see cref="BundleSpool"/>), while backup_files runs.
/// </summary>
internal static class BackupDatabaseStage
{
    public static async Task RunAsync(WordPressRunState run, StageContext context)
    {
        try
        {
            await DumpAsync(run, context);
            run.DumpWritten.TrySetResult();
        }
        catch
        {
            // Not the exception itself: the job's error is backup_db's, and backup_files just stops.
            run.DumpWritten.TrySetCanceled();
            throw;
        }
    }

    private static async Task DumpAsync(WordPressRunState run, StageContext context)
    {
        var ct = context.CancellationToken;
        var config = run.Config;
        var site = run.Site = await WordPressConfigReader.ReadAsync(config.Path, ct);
        var database = run.Database = WordPressDatabaseSettings.Resolve(site, config.Db);
        context.Reporter.Info($"Site at {config.Path}: database {database.Database} as {database.User} on {database.Endpoint}, table prefix {site.TablePrefix}");
        await FreeSpaceCheck.EnsureAsync(context, run.ContentPath, database);

        using var slot = await context.Resources.AcquireAsync(ResourceKind.Io, ct);
        // No CPU slot: backup_files holds one meanwhile, and the spool compresses on one thread only
        // at levels where that keeps up with mysqldump (see BundleSpool).
        var spool = run.DumpSpool = BundleSpool.Create(Path.Combine(context.WorkDirectory, WordPressRunState.DumpSpoolFile), config.CompressionLevel);
        DatabaseDumpResult dump;
        await using (var counted = new MeteredWriteStream(spool, computeSha256: false, bytes => context.Reporter.Progress(bytes)))
        {
            dump = run.Dump = await new DatabaseDumper(context.WorkDirectory).DumpAsync(database, counted, ct);
        }

        await spool.CompleteAsync(ct);

        foreach (var warning in dump.Warnings)
        {
            context.Reporter.Warning(warning);
        }

        run.SiteUrl = await WordPressSiteInfoReader.ReadSiteUrlAsync(database, site.TablePrefix, ct);
        run.WordPressVersion = await WordPressVersionReader.ReadAsync(config.Path, ct);
        context.Reporter.Progress(dump.Bytes, dump.Bytes, $"Dumped {dump.Bytes} bytes");
    }
}
