using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.Nodes;
using Backupd.Grains.Nodes;
using Backupd.Grains.Jobs;
using Backupd.Master.Application.Jobs;
using Backupd.Master.Jobs;
using Backupd.Master.Options;
using Backupd.Modules;
using Backupd.Modules.Storage;
using Backupd.Modules.WordPress.Restore;
using Backupd.Node.Identity;
using Backupd.Tests.Master;
using Backupd.Tests.Nodes;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Backupd.Tests.Jobs;

/// <summary>
/// What restores keep of what they replaced, on a real silo with SQLite state and a clock the test
/// moves: listed until an undo or a discard ends it, discarded by the master once
/// BACKUPD_RESTORE_KEPT_FOR has passed (once, not at every look), and the restore's record kept
/// by job-history retention meanwhile. The node's side (what a discard removes) is
/// RestoreJobEndToEndTests'.
/// </summary>
[Collection(FakeClockSiloCollection.Name)]
public sealed class KeptCopyRetentionTests(FakeClockSiloFixture silo)
{
    private static readonly WordPressRestoreModule Module = new();

    [Fact]
    public async Task A_kept_copy_past_its_time_is_discarded_once_and_its_restore_is_kept_in_the_history_until_then()
    {
        var node = await NewNodeAsync();
        var restore = await RunAsync(node, Config(), swapped: true);
        var dryRun = await RunAsync(node, Config() with { DryRun = true }, swapped: true);
        var failedEarly = await RunAsync(node, Config(), swapped: false);
        // Without safetyBackup, what was replaced goes only once the restored site checked out.
        var uncheckedWithout = await RunAsync(node, Config() with { KeepReplaced = false }, swapped: true, JobState.Failed);
        var checkedWithout = await RunAsync(node, Config() with { KeepReplaced = false }, swapped: true);
        var keptFor = new MasterOptions().RestoreKeptFor;

        Assert.Equal([restore, uncheckedWithout], (await Kept().ListAsync(node)).Select(kept => kept.RestoreJobId).Order());
        Assert.Contains("never completed its swap", (await Kept().DiscardAsync(failedEarly)).Problem!.Detail, StringComparison.Ordinal);
        Assert.Contains("safetyBackup: false and checked out", (await Kept().DiscardAsync(checkedWithout)).Problem!.Detail, StringComparison.Ordinal);
        Assert.True((await Kept().DiscardAsync(uncheckedWithout)).Succeeded);

        var copy = Assert.Single(await Kept().ListAsync(node), kept => kept.RestoreJobId == restore);
        Assert.Equal("/srv/www/example", copy.Path);
        Assert.Equal("b-" + node, copy.BackupJobId);
        Assert.Equal(copy.KeptSince + keptFor, copy.DiscardAfter);
        Assert.Empty(await Sweeper().SweepAsync(CancellationToken.None));

        // Past its time: job-history retention keeps the restore's record (the copy is found
        // through it), not the others'; the sweeper queues one discard on the site's node.
        silo.Advance(keptFor + TimeSpan.FromDays(1));
        await Pruner().PruneAsync(silo.Now - TimeSpan.FromHours(1), CancellationToken.None);
        Assert.NotNull(await Job(restore).GetAsync());
        Assert.Null(await Job(dryRun).GetAsync());
        Assert.Null(await Job(failedEarly).GetAsync());

        var sweeper = Sweeper();
        var discardId = Assert.Single(await sweeper.SweepAsync(CancellationToken.None));
        var discard = (await Job(discardId).GetAsync())!;
        Assert.Equal((node, ModuleNames.Restore, JobState.Pending), (discard.NodeId, discard.Module, discard.State));
        var config = JsonSerializer.Deserialize<WordPressRestoreConfig>(discard.ConfigJson, JsonSerializerOptions.Web)!;
        Assert.Equal((restore, (string?)null, "/srv/www/example"), (config.DiscardKeptOf, config.UndoOf, config.Path));
        Assert.Equal(discardId, Assert.Single(await Kept().ListAsync(node), kept => kept.RestoreJobId == restore).EndingJobId);

        // While it is queued, no second one: not from the sweeper (a new one, as after a restart,
        // too), not from an admin, and no undo either.
        Assert.Empty(await sweeper.SweepAsync(CancellationToken.None));
        Assert.Empty(await Sweeper().SweepAsync(CancellationToken.None));
        var again = await Kept().DiscardAsync(restore);
        Assert.Contains($"Job '{discardId}' is already undoing or removing", again.Problem!.Detail, StringComparison.Ordinal);
        Assert.False((await Kept().UndoAsync(restore)).Succeeded);

        // Done: no longer listed, the restore's record says by which job, and history retention may remove it.
        await FinishAsync(discardId, node, swapped: true);
        Assert.DoesNotContain(await Kept().ListAsync(node), kept => kept.RestoreJobId == restore);
        var ended = (await Job(restore).GetAsync())!.KeptCopyEnded!;
        Assert.Equal((discardId, false), (ended.ByJobId, ended.Undone));
        var undo = await Kept().UndoAsync(restore);
        Assert.Contains($"what it kept was removed by job '{discardId}'", undo.Problem!.Detail, StringComparison.Ordinal);
        silo.Advance(TimeSpan.FromDays(1));
        await Pruner().PruneAsync(silo.Now - TimeSpan.FromHours(1), CancellationToken.None);
        Assert.Null(await Job(restore).GetAsync());
    }

    [Fact]
    public async Task A_discard_that_failed_is_tried_again_a_day_later_not_at_every_look()
    {
        var node = await NewNodeAsync();
        var restore = await RunAsync(node, Config(), swapped: true);
        silo.Advance(new MasterOptions().RestoreKeptFor + TimeSpan.FromHours(1));
        var sweeper = Sweeper();
        var first = Assert.Single(await sweeper.SweepAsync(CancellationToken.None));
        await FinishAsync(first, node, swapped: false, JobState.Failed);
        Assert.Null(Assert.Single(await Kept().ListAsync(node)).EndingJobId);

        silo.Advance(KeptCopySweeper.Period);
        Assert.Empty(await sweeper.SweepAsync(CancellationToken.None));
        silo.Advance(TimeSpan.FromDays(1));
        var second = Assert.Single(await sweeper.SweepAsync(CancellationToken.None));
        Assert.NotEqual(first, second);
        Assert.Equal(restore, JsonSerializer.Deserialize<WordPressRestoreConfig>((await Job(second).GetAsync())!.ConfigJson, JsonSerializerOptions.Web)!.DiscardKeptOf);
    }

    private static WordPressRestoreConfig Config() =>
        new(new BundleSource("b-x", "n/wordpress/example/bundle.tar.zst", 42, new string('a', 64)), "/srv/www/example", [WordPressRestoreConfig.DatabasePart, WordPressRestoreConfig.FilesPart]);

    // A restore job run by a pretend node to its end; its swap stage completed or not.
    private async Task<string> RunAsync(string node, WordPressRestoreConfig config, bool swapped, JobState? state = null)
    {
        var id = Guid.CreateVersion7().ToString("N");
        config = config with { Bundle = config.Bundle with { JobId = "b-" + node } };
        await Job(id).CreateAsync(new JobSpec(node, ModuleNames.Restore, JsonSerializer.Serialize(config, JsonSerializerOptions.Web), SqliteSiloFixture.ProviderId, 5, 2),
            [.. Module.Stages.Select(stage => stage.Name)]);
        await FinishAsync(id, node, swapped, state ?? (swapped ? JobState.Completed : JobState.Failed));
        return id;
    }

    private async Task FinishAsync(string id, string node, bool swapped, JobState state = JobState.Completed)
    {
        var assignment = (await Job(id).StartAsync(node))!;
        var stages = Module.Stages.Select(stage => new JobStageInfo(stage.Name,
            swapped || stage.Name != WordPressRestoreModule.StageNames.Swap ? StageStatus.Completed : StageStatus.Failed, silo.Now, silo.Now)).ToList();
        await Job(id).FinishAsync(node, assignment.Attempt, new JobOutcome(state, null, state == JobState.Completed ? null : "swap: failed", new JobProgressReport(stages, [])));
        Assert.Equal(state, (await Job(id).GetAsync())!.State);
    }

    // An approved node: only an active node is given a discard.
    private async Task<string> NewNodeAsync()
    {
        var nodeId = "n" + Guid.NewGuid().ToString("N")[..16];
        var secret = RegistrationCodes.NewSecret();
        var node = silo.Client.GetGrain<INodeGrain>(nodeId);
        await node.RegisterAsync(new RegistrationRequest("web-1", RegistrationCodes.NewCode(), secret, "127.0.0.1", NodeKey.Create().CertificateRequestPem, "127.0.0.1"), DateTimeOffset.MaxValue);
        Assert.Equal(RegistrationOutcome.Ok, (await node.ApproveAsync()).Outcome);
        await node.ClaimAsync(secret);
        return nodeId;
    }

    private KeptCopyService Kept() => new(silo.Client, silo.JobIndex, new WorkChecks(silo.Client, new ModuleRegistry([Module])), new JobLauncher(silo.Client, new ModuleRegistry([Module])), Options.Create(new MasterOptions()));

    private KeptCopySweeper Sweeper() => new(Kept(), Options.Create(new MasterOptions()), new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), silo.Time, NullLogger<KeptCopySweeper>.Instance);

    private JobHistoryPruner Pruner() => new(silo.JobIndex, silo.Client, Options.Create(new MasterOptions()),
        new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), TimeProvider.System, NullLogger<JobHistoryPruner>.Instance);

    private IJobGrain Job(string id) => silo.Client.GetGrain<IJobGrain>(id);
}
