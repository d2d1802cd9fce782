using System.Text.Json;
using System.Text.Json.Nodes;
using Backupd.Contracts.Jobs;
using Backupd.Grains.Jobs;
using Backupd.Modules;
using Backupd.Modules.Storage;
using Backupd.Modules.WordPress;
using Backupd.Modules.WordPress.Restore;

namespace Backupd.Master.Application.Jobs;

/// <summary>
/// Restore jobs: a finished WordPress backup put back on its site in place, by the node that made
/// it, or as a new site elsewhere (another directory, database, prefix, URL, node), or test-restored
/// into a scratch copy beside the site or beside another WordPress install on any node. The bundle's
/// expected size and SHA-256, and for a restore in place the site's path and database settings,
/// come from the master's record of the backup; the request chooses what and how.
/// </summary>
public sealed class RestoreService(IGrainFactory grains, WorkChecks checks, JobLauncher launcher, ModuleRegistry modules)
{
    /// <summary>Checks the request and queues the restore job.</summary>
    public async Task<Outcome<JobDetails>> RestoreAsync(RestoreRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.JobId))
        {
            return Problem.Invalid("Invalid restore", "jobId", "is required: the completed backup job to restore (GET /api/v1/jobs?module=wordpress&state=completed)");
        }

        var found = await StoredBackups.FindAsync(grains, request.JobId, "restore");
        if (!found.Succeeded)
        {
            return found.Problem;
        }

        var backup = found.Value;
        var result = backup.Result!;
        if (backup.Module != ModuleNames.WordPress)
        {
            return Problem.Conflict("Nothing to restore", $"Job '{backup.Id}' is a {backup.Module} job; only a wordpress backup's bundle can be restored.");
        }

        var source = JsonNode.Parse(backup.ConfigJson)!.AsObject();
        var backedUpPath = source["path"]?.GetValue<string>() ?? string.Empty;
        var target = request.Target;
        var testRestore = request.TestRestore == true;
        var nodeId = string.IsNullOrWhiteSpace(request.NodeId) ? backup.NodeId : request.NodeId;
        // Another directory, or for a test-restore the same path on another host: not the backed-up site.
        var elsewhere = target?.Path is { } targetPath && (targetPath.TrimEnd('/') != backedUpPath.TrimEnd('/') || (testRestore && nodeId != backup.NodeId));
        var newSite = elsewhere && !testRestore;
        var errors = new List<FieldError>();
        WordPressDatabaseOverride? db;
        if (elsewhere)
        {
            // A new site, or a test-restore beside another WordPress install (its files and
            // database lend the scratch copy what the bundle does not hold), on any node that can read the bundle.
            db = target!.Db;
            await checks.CheckBundleReachableAsync(backup.NodeId, backup.ProviderId, nodeId, "nodeId", errors);
        }
        else
        {
            if (nodeId != backup.NodeId)
            {
                errors.Add(new("nodeId", testRestore
                    ? $"a test-restore on another node than the backup's, '{backup.NodeId}', needs target.path: a WordPress install there whose own files and database the scratch copy uses"
                    : $"a restore in place runs on the node that made the backup, '{backup.NodeId}': leave nodeId out, or give target.path for a new site"));
            }

            db = MergeDatabase(source["db"]?.Deserialize<WordPressDatabaseOverride>(JsonSerializerOptions.Web), target?.Db);
            if (db?.Password == SecretConfigMask.Mask)
            {
                errors.Add(new("target.db.password", "the backup used database settings of its own, whose password a finished job does not keep: send it again"));
            }
        }

        if (!newSite && (target?.Url is not null || target?.TablePrefix is not null || request.Overwrite == true))
        {
            errors.Add(new("target", testRestore
                ? "a test-restore keeps the bundle's URL under a scratch table prefix of its own and replaces nothing: no url, tablePrefix or overwrite"
                : "a restore in place keeps the site's URL and table prefix: give target.path (another directory) to restore a copy elsewhere"));
        }

        await checks.CheckTargetsAsync(nodeId, backup.ProviderId, errors);
        var config = JsonSerializer.SerializeToElement(new WordPressRestoreConfig(
            new BundleSource(backup.Id, result.ObjectKey, result.Size, result.Sha256),
            elsewhere ? target!.Path! : backedUpPath,
            request.Parts ?? [WordPressRestoreConfig.DatabasePart, WordPressRestoreConfig.FilesPart],
            request.Paths,
            db,
            KeepReplaced: request.SafetyBackup ?? true,
            DryRun: request.DryRun ?? false,
            NewSite: newSite,
            TablePrefix: newSite ? target!.TablePrefix : null,
            Url: newSite ? target!.Url : null,
            Overwrite: newSite && (request.Overwrite ?? false),
            TestRestore: testRestore,
            // Left out of the bundle, so not to be taken out of the site by a restore over it.
            Excluded: newSite || testRestore ? null : source["exclude"]?.Deserialize<List<string>>(JsonSerializerOptions.Web)), JsonSerializerOptions.Web);
        errors.AddRange(modules.Get(ModuleNames.Restore).ValidateConfig(config).Where(e => !e.Field.StartsWith("bundle", StringComparison.Ordinal)).Select(e => new FieldError(RequestField(e.Field), e.Message)));
        if (errors.Count > 0)
        {
            return Problem.Invalid("Invalid restore", errors);
        }

        return await launcher.LaunchAsync(new JobSpec(nodeId!, ModuleNames.Restore, config.GetRawText(), backup.ProviderId, request.Priority ?? JobSpec.MaxPriority, JobSpec.DefaultMaxAttempts));
    }

    // The config's names for what the request calls target.*.
    private static string RequestField(string field) => field switch
    {
        "path" or "url" or "tablePrefix" => $"target.{field}",
        _ when field == "db" || field.StartsWith("db.", StringComparison.Ordinal) => $"target.{field}",
        "newSite" => "target",
        _ => field,
    };

    // The backup's own database settings (what wp-config.php said otherwise), with any the request sends on top.
    private static WordPressDatabaseOverride? MergeDatabase(WordPressDatabaseOverride? backup, WordPressDatabaseOverride? request) =>
        (backup, request) switch
        {
            (null, null) => null,
            (null, { } r) => r,
            ({ } b, null) => b,
            ({ } b, { } r) => new WordPressDatabaseOverride(r.Host ?? b.Host, r.Port ?? b.Port, r.Socket ?? b.Socket, r.Name ?? b.Name, r.User ?? b.User, r.Password ?? b.Password),
        };
}

/// <summary>A request to restore a backup.</summary>
/// <param name="JobId">The completed backup job whose bundle is restored.</param>
/// <param name="NodeId">The node that restores; the backup's node (the only one for a restore in place) when absent.</param>
/// <param name="Parts"><c>database</c>, <c>files</c>, or both (the default).</param>
/// <param name="Paths">Paths under wp-content to restore instead of all of it.</param>
/// <param name="Target">Where to: absent (or the backed-up site) restores in place; <c>db</c> may give the database settings.</param>
/// <param name="Overwrite">For a target that is not the backed-up site: replace the site already there.</param>
/// <param name="SafetyBackup">Keep what the restore replaces (default true).</param>
/// <param name="DryRun">Only plan: say what would be replaced and kept, change nothing.</param>
/// <param name="Priority">0–10; the highest unless given: a restore is what someone is waiting for.</param>
/// <param name="TestRestore">Prove the bundle restores: into a scratch copy beside the site (or beside the WordPress install at <c>target.path</c> on <c>nodeId</c>), checked, removed; no site is touched.</param>
public sealed record RestoreRequest(
    string? JobId, string? NodeId = null, IReadOnlyList<string>? Parts = null, IReadOnlyList<string>? Paths = null, RestoreTarget? Target = null,
    bool? Overwrite = null, bool? SafetyBackup = null, bool? DryRun = null, int? Priority = null, bool? TestRestore = null);

/// <summary>Where a restore goes.</summary>
/// <param name="Path">The WordPress root.</param>
/// <param name="Url">The site's URL there.</param>
/// <param name="TablePrefix">Its table prefix.</param>
/// <param name="Db">Its database settings; the password is stored like other job secrets.</param>
public sealed record RestoreTarget(string? Path = null, string? Url = null, string? TablePrefix = null, WordPressDatabaseOverride? Db = null);
