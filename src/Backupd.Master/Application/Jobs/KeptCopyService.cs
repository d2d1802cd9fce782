using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Grains.Jobs;
using Backupd.Master.Options;
using Backupd.Modules;
using Backupd.Modules.Storage;
using Backupd.Modules.WordPress.Restore;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Application.Jobs;

/// <summary>
/// The copies restores in place keep of what they replace (<c>safetyBackup</c>: the old tables
/// under a kept prefix, the old wp-content beside the site), found from the restores' records:
/// listed, put back by an undo or removed by a discard (each a job on the site's node), and
/// discarded once <c>BACKUPD_RESTORE_KEPT_FOR</c> has passed.
/// </summary>
public sealed class KeptCopyService(IGrainFactory grains, IJobIndex index, WorkChecks checks, JobLauncher launcher, IOptions<MasterOptions> options)
{
    /// <summary>The kept copies still on their nodes, newest first; those of <paramref name="nodeId"/> when given.</summary>
    public async Task<IReadOnlyList<KeptCopy>> ListAsync(string? nodeId, CancellationToken cancellationToken = default)
    {
        var restores = await RestoresAsync(nodeId, null, cancellationToken);
        var ending = Ending(restores);
        return
        [
            .. restores.Where(KeptCopies.Holds).Select(restore =>
            {
                var config = JsonSerializer.Deserialize<WordPressRestoreConfig>(restore.ConfigJson, JsonSerializerOptions.Web)!;
                return new KeptCopy(restore.Id, restore.NodeId, config.Path, config.Parts, config.Paths, config.Bundle.JobId, config.UndoOf, restore.SwappedAt!.Value,
                    DiscardAfter(restore), ending.GetValueOrDefault(restore.Id));
            }),
        ];
    }

    /// <summary>When the master removes what <paramref name="restore"/> kept (<c>BACKUPD_RESTORE_KEPT_FOR</c> after its swap); null when it keeps it until discarded, or nothing was kept.</summary>
    public DateTimeOffset? DiscardAfter(JobDetails restore) =>
        options.Value.RestoreKeptFor is var keptFor && keptFor > TimeSpan.Zero && restore.SwappedAt is { } swapped ? swapped + keptFor : null;

    /// <summary>
    /// Puts back what a restore in place replaced and kept: the kept tables and files are swapped
    /// in the way a restore swaps a bundle in, and what the restore had put there is kept in turn,
    /// so the undo can be undone. A job on the site's node.
    /// </summary>
    public Task<Outcome<JobDetails>> UndoAsync(string restoreJobId) => EndAsync(restoreJobId, undo: true);

    /// <summary>
    /// Removes what a restore in place replaced and kept, which can then no longer be undone. A
    /// job on the site's node; the live site is not touched.
    /// </summary>
    public Task<Outcome<JobDetails>> DiscardAsync(string restoreJobId) => EndAsync(restoreJobId, undo: false);

    private async Task<Outcome<JobDetails>> EndAsync(string restoreJobId, bool undo)
    {
        var title = undo ? "Nothing to undo" : "Nothing to discard";
        if (await grains.GetGrain<IJobGrain>(restoreJobId).GetAsync() is not { } restore)
        {
            return Problem.NotFound("No such job", $"No job has the id '{restoreJobId}'. GET /api/v1/restores/kept lists the restores whose kept copy is still there.");
        }

        var config = restore.Module == ModuleNames.Restore ? JsonSerializer.Deserialize<WordPressRestoreConfig>(restore.ConfigJson, JsonSerializerOptions.Web) : null;
        if (config is null)
        {
            return Problem.Conflict("Not a restore", $"Job '{restoreJobId}' is a {restore.Module} job; only a restore keeps a copy of what it replaced.");
        }

        var refusal = (restore.State, config, restore.KeptCopyEnded) switch
        {
            // One that failed or was cancelled after its swap kept what it replaced too; before it,
            // there is nothing kept, and the job's plan says so without changing anything.
            (JobState.Pending or JobState.Running, _, _) => $"it is {restore.State.ToString().ToLowerInvariant()}: wait for it to end (or cancel it)",
            (_, { DryRun: true }, _) => "it was a dry run, which changed nothing",
            (_, { TestRestore: true }, _) => "it was a test-restore, which never touched the site",
            (_, { NewSite: true }, _) => "it restored a new site elsewhere; only a restore in place keeps the site it replaced",
            (JobState.Completed, { KeepReplaced: false }, _) => "it ran with safetyBackup: false and checked out, so what it replaced was removed",
            (_, { DiscardKeptOf: { } other }, _) => $"it removed what restore '{other}' kept, and kept nothing itself",
            (_, _, { Undone: true } ended) => $"what it kept was swapped back in by undo job '{ended.ByJobId}'",
            (_, _, { Undone: false } ended) => $"what it kept was removed by job '{ended.ByJobId}'",
            _ => null,
        };
        // What a restore moved aside before its swap completed may be all the site has left (a swap
        // that could not be put back): an undo puts it back, a discard must never remove it.
        refusal ??= !undo && !KeptCopies.Holds(restore) ? "it never completed its swap, so nothing it moved aside is a spare copy (its log says where things are; an undo puts back what it moved)" : null;
        if (refusal is not null)
        {
            return Problem.Conflict(title, $"Restore '{restoreJobId}' {(undo ? "cannot be undone" : "has no kept copy to discard")}: {refusal}.");
        }

        var errors = new List<FieldError>();
        await checks.CheckNodeAsync(restore.NodeId, "nodeId", errors);
        if (errors.Count > 0)
        {
            return Problem.Conflict(title, $"Restore '{restoreJobId}' ran on node '{restore.NodeId}', which cannot take the job: {errors[0].Message}.");
        }

        var inFlight = Ending([.. await RestoresAsync(restore.NodeId, JobState.Pending, default), .. await RestoresAsync(restore.NodeId, JobState.Running, default)]);
        if (inFlight.GetValueOrDefault(restoreJobId) is { } ending)
        {
            return Problem.Conflict(title, $"Job '{ending}' is already undoing or removing what restore '{restoreJobId}' kept: GET /api/v1/jobs/{ending} follows it.");
        }

        if (config.Db?.Password == SecretConfigMask.Mask)
        {
            return Problem.Conflict(title, $"Restore '{restoreJobId}' used database settings of its own, whose password a finished job does not keep: {(undo ? "undo" : "remove")} it by hand as its log says (the kept tables and directory are named there).");
        }

        var job = config with { UndoOf = undo ? restore.Id : null, DiscardKeptOf = undo ? null : restore.Id, DryRun = false, KeepReplaced = true };
        return await launcher.LaunchAsync(new JobSpec(restore.NodeId, ModuleNames.Restore, JsonSerializer.Serialize(job, JsonSerializerOptions.Web), restore.ProviderId, JobSpec.MaxPriority, JobSpec.DefaultMaxAttempts));
    }

    // Every restore job (of a node, in a state, when given), read from its grain: restores are
    // few next to backups, so reading them all is cheaper than another index.
    private async Task<List<JobDetails>> RestoresAsync(string? nodeId, JobState? state, CancellationToken cancellationToken)
    {
        var restores = new List<JobDetails>();
        for (var offset = 0; ; offset += IJobIndex.MaxLimit)
        {
            var page = await index.QueryAsync(new JobQuery(state, nodeId, ModuleNames.Restore, Offset: offset, Limit: IJobIndex.MaxLimit), cancellationToken);
            foreach (var summary in page.Items)
            {
                if (await grains.GetGrain<IJobGrain>(summary.Id).GetAsync() is { } job)
                {
                    restores.Add(job);
                }
            }

            if (page.Items.Count < IJobIndex.MaxLimit)
            {
                return restores;
            }
        }
    }

    // The pending or running undo or discard of each restore that has one.
    private static Dictionary<string, string> Ending(IEnumerable<JobDetails> restores)
    {
        var ending = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var job in restores.Where(job => job.State is JobState.Pending or JobState.Running))
        {
            if (RestoreKeptCopy.Ends(job.ConfigJson) is { } ends)
            {
                ending[ends.RestoreJobId] = job.Id;
            }
        }

        return ending;
    }
}

/// <summary>A copy a restore in place kept of what it replaced, still on its node as far as the master knows.</summary>
/// <param name="RestoreJobId">The restore (or undo) that kept it: what <c>POST /api/v1/restores/{id}/undo</c> and <c>/discard</c> take.</param>
/// <param name="NodeId">The site's node.</param>
/// <param name="Path">The site's WordPress root; the kept files are beside its wp-content.</param>
/// <param name="Parts">What was replaced, so what is kept: <c>database</c>, <c>files</c>.</param>
/// <param name="Paths">The paths under wp-content replaced, when not all of it.</param>
/// <param name="BackupJobId">The backup the restore put in place.</param>
/// <param name="UndoOf">For an undo: the restore it undid (what it kept is that restore's result).</param>
/// <param name="KeptSince">When the restore swapped, keeping what it replaced.</param>
/// <param name="DiscardAfter">When the master removes it (<c>BACKUPD_RESTORE_KEPT_FOR</c>); null when kept until discarded.</param>
/// <param name="EndingJobId">A pending or running undo or discard of it.</param>
public sealed record KeptCopy(
    string RestoreJobId, string NodeId, string Path, IReadOnlyList<string> Parts, IReadOnlyList<string>? Paths, string BackupJobId,
    string? UndoOf, DateTimeOffset KeptSince, DateTimeOffset? DiscardAfter, string? EndingJobId);
