using Backupd.Contracts.Jobs;
using Backupd.Grains.Jobs;
using Backupd.Modules.Storage;
using Backupd.Master.Jobs;
using Backupd.Master.Options;
using Backupd.Tests.Master;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Backupd.Tests.Jobs;

/// <summary>Job-history retention on a real silo with SQLite state: old records go, unless their bundle is still stored.</summary>
[Collection(FakeClockSiloCollection.Name)]
public sealed class JobHistoryTests(FakeClockSiloFixture silo)
{
    private static readonly string[] Stages = ["one", "cleanup"];
    private static readonly JobProgressReport NoProgress = new([], []);

    [Fact]
    public async Task Records_of_jobs_that_ended_before_the_cutoff_go_unless_their_bundle_is_still_stored()
    {
        var node = "n" + Guid.NewGuid().ToString("N")[..16];
        var cancelled = await CreateAsync(node);
        await Job(cancelled).CancelAsync();
        var failed = await RunAsync(node, _ => new JobOutcome(JobState.Failed, null, "mysqldump: access denied", NoProgress));
        var stored = await RunAsync(node, id => new JobOutcome(JobState.Completed, Result(node, id), null, NoProgress));
        var pruned = await RunAsync(node, id => new JobOutcome(JobState.Completed, Result(node, id), null, NoProgress));
        await Job(pruned).MarkPrunedAsync();
        var running = await CreateAsync(node);
        Assert.NotNull(await Job(running).StartAsync(node));
        silo.Advance(TimeSpan.FromDays(2));
        var cutoff = silo.Now - TimeSpan.FromDays(1);
        var recent = await CreateAsync(node);
        await Job(recent).CancelAsync();
        var pending = await CreateAsync(node);

        var removed = await Pruner().PruneAsync(cutoff, CancellationToken.None);

        // Other tests' old jobs in this silo may go too; these are the ones this test knows.
        Assert.InRange(removed, 3, int.MaxValue);
        foreach (var gone in new[] { cancelled, failed, pruned })
        {
            Assert.Null(await Job(gone).GetAsync());
        }

        var left = await silo.JobIndex.QueryAllAsync(new JobQuery(NodeId: node));
        Assert.Equal(new[] { stored, running, recent, pending }.Order(), left.Select(job => job.Id).Order());
        Assert.Equal(JobState.Completed, (await Job(stored).GetAsync())!.State);
        Assert.Equal(0, await Pruner().PruneAsync(cutoff, CancellationToken.None));
    }

    private JobHistoryPruner Pruner() => new(silo.JobIndex, silo.Client, Options.Create(new MasterOptions()),
        new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), TimeProvider.System, NullLogger<JobHistoryPruner>.Instance);

    private IJobGrain Job(string id) => silo.Client.GetGrain<IJobGrain>(id);

    private async Task<string> CreateAsync(string node)
    {
        var id = Guid.CreateVersion7().ToString("N");
        await Job(id).CreateAsync(new JobSpec(node, "wordpress", "{}", "p", 5, 2), Stages);
        return id;
    }

    private async Task<string> RunAsync(string node, Func<string, JobOutcome> outcome)
    {
        var id = await CreateAsync(node);
        var assignment = await Job(id).StartAsync(node);
        var ending = outcome(id);
        if (ending.Result is not null)
        {
            ending = ending with { Result = await PlacedBundles.PlaceAsync(Job(id), node, assignment!.Attempt) };
        }

        await Job(id).FinishAsync(node, assignment!.Attempt, ending);
        Assert.Equal(ending.State, (await Job(id).GetAsync())!.State);
        return id;
    }

    private static JobResult Result(string node, string jobId) => new(BundleKey.Compose(node, "wordpress", "example.org", DateTimeOffset.UtcNow, jobId), 42, new string('a', 64));
}
