using System.Text.Json;
using System.Text.Json.Nodes;
using Backupd.Contracts.Jobs;
using Backupd.Modules;
using Backupd.Modules.Storage;

namespace Backupd.Grains.Jobs;

/// <summary>
/// The test-restore job of a finished WordPress backup: its bundle restored into a scratch copy
/// beside the site on the backup's node (or beside another WordPress install on a node of the
/// schedule's choosing), checked, and removed. The grains do not know the WordPress
/// module's config type, so this writes its fields by name (a test holds it to the module's schema).
/// </summary>
public static class TestRestoreJobs
{
    /// <summary>
    /// The test-restore of <paramref name="backup"/>'s bundle on <paramref name="nodeId"/>, beside
    /// the WordPress install at <paramref name="besidePath"/> (the backed-up site when null); no
    /// schedule, so it never counts as a backup.
    /// </summary>
    /// <param name="backup">The finished backup.</param>
    /// <param name="nodeId">The node that test-restores.</param>
    /// <param name="priority">The job's priority.</param>
    /// <param name="besidePath">The WordPress install whose files and database the scratch copy borrows; the backed-up site when null.</param>
    /// <param name="db">Database settings over those in that install's wp-config.php (the backup's own, with their password in clear: the job grain encrypts it).</param>
    /// <exception cref="ArgumentException">The backup stored no bundle, or its config names no site.</exception>
    public static JobSpec For(JobDetails backup, string nodeId, int priority, string? besidePath = null, JsonNode? db = null)
    {
        var result = backup.Result ?? throw new ArgumentException($"Job {backup.Id} stored no bundle.", nameof(backup));
        var path = JsonNode.Parse(backup.ConfigJson)?["path"]?.GetValue<string>() ?? throw new ArgumentException($"Job {backup.Id} names no site path.", nameof(backup));
        var config = new JsonObject
        {
            [BundleSource.ConfigProperty] = JsonSerializer.SerializeToNode(new BundleSource(backup.Id, result.ObjectKey, result.Size, result.Sha256), JsonSerializerOptions.Web),
            ["path"] = besidePath ?? path,
            ["parts"] = new JsonArray("database", "files"),
            ["testRestore"] = true,
        };
        if (db is not null)
        {
            config["db"] = db.DeepClone();
        }

        return new JobSpec(nodeId, ModuleNames.Restore, config.ToJsonString(), backup.ProviderId, priority, JobSpec.DefaultMaxAttempts);
    }
}
