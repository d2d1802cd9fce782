using Backupd.Contracts.Jobs;
using Backupd.Contracts.NodeApi;
using Backupd.Grains.Jobs;
using Backupd.Master.NodeApi;
using Backupd.Modules.Storage;
using Backupd.Tests.Master;
using Backupd.Tests.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Backupd.Tests.Jobs;

/// <summary>Jobs, node queues and the job index on a real silo with SQLite state; leases run on a clock the tests move.</summary>
[Collection(FakeClockSiloCollection.Name)]
public sealed class JobGrainTests(FakeClockSiloFixture silo)
{
    private static readonly string[] Stages = ["one", "two", "cleanup"];
    private static readonly JobProgressReport NoProgress = new([], []);

    private IGrainFactory Grains => silo.Client;

    [Fact]
    public async Task The_queue_runs_higher_priority_first_then_oldest_first()
    {
        var node = NewNodeId();
        var normalOld = await CreateAsync(node, priority: 5);
        var urgent = await CreateAsync(node, priority: 9);
        var normalNew = await CreateAsync(node, priority: 5);
        var low = await CreateAsync(node, priority: 0);
        var top = await CreateAsync(node, priority: 10);

        var queue = Grains.GetGrain<INodeJobQueueGrain>(node);
        Assert.Equal([top, urgent, normalOld, normalNew, low], await queue.ListAsync());
        var taken = new List<string>();
        while (await queue.StartNextAsync() is { } assignment)
        {
            taken.Add(assignment.JobId);
        }

        Assert.Equal([top, urgent, normalOld, normalNew, low], taken);
    }

    [Fact]
    public async Task A_queue_row_left_pending_by_a_crash_is_skipped_and_put_right_and_the_next_job_starts()
    {
        var node = NewNodeId();
        var cancelled = await CreateAsync(node, priority: 9);
        var next = await CreateAsync(node, priority: 1);
        await Job(cancelled).CancelAsync();
        // What a crash between the job's state write and its row's write leaves: the row still pending.
        await using (var connection = await silo.Database.OpenAsync(CancellationToken.None))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE BackupdJobs SET State = 0, EndedAt = NULL, StateVersion = StateVersion - 1 WHERE Id = '{cancelled}';";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var queue = Grains.GetGrain<INodeJobQueueGrain>(node);
        Assert.Equal([cancelled, next], await queue.ListAsync());

        Assert.Equal(next, (await queue.StartNextAsync())!.JobId);
        Assert.Equal(JobState.Cancelled, (await silo.JobIndex.QueryAsync(new JobQuery(NodeId: node, State: JobState.Cancelled))).Items.Single().State);
        Assert.Empty(await queue.ListAsync());
    }

    [Fact]
    public async Task A_pending_job_is_cancelled_at_once_and_never_starts()
    {
        var node = NewNodeId();
        var id = await CreateAsync(node);

        var cancelled = await Job(id).CancelAsync();

        Assert.Equal(JobState.Cancelled, cancelled!.State);
        Assert.NotNull(cancelled.EndedAt);
        Assert.All(cancelled.Stages, stage => Assert.Equal(StageStatus.Cancelled, stage.Status));
        Assert.Empty(await Grains.GetGrain<INodeJobQueueGrain>(node).ListAsync());
        Assert.Null(await Job(id).StartAsync(node));
    }

    [Fact]
    public async Task A_running_job_learns_of_its_cancel_at_its_next_report_and_ends_cancelled()
    {
        var node = NewNodeId();
        var id = await CreateAsync(node);
        var assignment = await Job(id).StartAsync(node);

        var requested = await Job(id).CancelAsync();
        Assert.Equal(JobState.Running, requested!.State);
        Assert.True(requested.CancelRequested);
        Assert.Equal(LeaseStatus.CancelRequested, await Job(id).ReportAsync(node, assignment!.Attempt, NoProgress));

        var stages = new JobStageInfo[] { new("one", StageStatus.Completed), new("two", StageStatus.Cancelled), new("cleanup", StageStatus.Completed) };
        await Job(id).FinishAsync(node, assignment.Attempt, new JobOutcome(JobState.Cancelled, null, null, new JobProgressReport(stages, [])));

        var ended = await Job(id).GetAsync();
        Assert.Equal(JobState.Cancelled, ended!.State);
        Assert.Equal(stages, ended.Stages);
    }

    [Fact]
    public async Task Only_the_lease_holder_in_its_current_attempt_may_report_or_have_the_storage()
    {
        var node = NewNodeId();
        var id = await CreateAsync(node, providerId: SqliteSiloFixture.ProviderId);
        Assert.Null(await Job(id).StartAsync("some-other-node"));
        var assignment = await Job(id).StartAsync(node);
        Assert.NotNull(assignment);
        Assert.Null(await Job(id).StartAsync(node));

        Assert.True(await Job(id).MayReleaseStorageAsync(node, assignment.Attempt, SqliteSiloFixture.ProviderId));
        Assert.False(await Job(id).MayReleaseStorageAsync("some-other-node", assignment.Attempt, SqliteSiloFixture.ProviderId));
        Assert.False(await Job(id).MayReleaseStorageAsync(node, assignment.Attempt, "provider-b"));
        Assert.False(await Job(id).MayReleaseStorageAsync(node, assignment.Attempt + 1, SqliteSiloFixture.ProviderId));
        Assert.Equal(LeaseStatus.Lost, await Job(id).ReportAsync("some-other-node", assignment.Attempt, NoProgress));

        var result = await PlacedBundles.PlaceAsync(Job(id), node, assignment.Attempt);
        await Job(id).FinishAsync(node, assignment.Attempt, new JobOutcome(JobState.Completed, result, null, NoProgress));
        Assert.False(await Job(id).MayReleaseStorageAsync(node, assignment.Attempt, SqliteSiloFixture.ProviderId));
        Assert.Equal(LeaseStatus.Lost, await Job(id).ReportAsync(node, assignment.Attempt, NoProgress));
        Assert.Equal(result, (await Job(id).GetAsync())!.Result);
    }

    [Fact]
    public async Task A_job_handed_back_goes_back_to_its_queue_at_once_without_counting_the_start_unless_the_master_already_checked_its_bundle()
    {
        var node = NewNodeId();
        var id = await CreateAsync(node, providerId: SqliteSiloFixture.ProviderId, maxAttempts: 1);
        var first = (await Job(id).StartAsync(node))!;

        Assert.Equal(LeaseStatus.Lost, await Job(id).ReleaseAsync("some-other-node", first.Attempt, "stopping", NoProgress, false));
        Assert.Equal(LeaseStatus.Active, await Job(id).ReleaseAsync(node, first.Attempt, "the node is shutting down", NoProgress, false));
        var requeued = (await Job(id).GetAsync())!;
        Assert.Equal(JobState.Pending, requeued.State);
        Assert.Contains(requeued.Log, line => line.Message.Contains("Back in the queue at once; this start does not count", StringComparison.Ordinal));

        // With one attempt allowed, the second start is still the first that counts.
        var second = (await Job(id).StartAsync(node))!;
        Assert.Contains((await Job(id).GetAsync())!.Log, line => line.Message.Contains($"Started on node {node} (attempt 1 of 1)", StringComparison.Ordinal));
        var stored = await PlacedBundles.PlaceAsync(Job(id), node, second.Attempt, verified: true);
        Assert.Equal(LeaseStatus.Active, await Job(id).ReleaseAsync(node, second.Attempt, "the node is shutting down", NoProgress, false));

        var done = (await Job(id).GetAsync())!;
        Assert.Equal(JobState.Completed, done.State);
        Assert.Equal(stored, done.Result);
    }

    [Fact]
    public async Task A_bundle_the_node_kept_when_it_handed_the_job_back_keeps_its_key_and_upload_and_another_bundle_gets_a_place_of_its_own()
    {
        var node = NewNodeId();
        var id = await CreateAsync(node, providerId: SqliteSiloFixture.ProviderId, maxAttempts: 1);
        var first = (await Job(id).StartAsync(node))!;
        var sha = new string('b', 64);
        var placed = (await Job(id).PlaceBundleAsync(node, first.Attempt, "example.org", sha))!;
        await Job(id).AuthorizeUploadAsync(node, first.Attempt, new BundleUploadStep(BundleUploadAction.StartMultipart, placed.FullKey, 20L << 20, sha, 5L << 20));
        await Job(id).RecordUploadAsync(node, first.Attempt, new BundleUploadChange(BundleUploadAction.StartMultipart, "upload-1"));
        Assert.Equal(LeaseStatus.Active, await Job(id).ReleaseAsync(node, first.Attempt, "the node is shutting down", NoProgress, keptWork: true));

        // The node comes back with the bundle it kept: the same place, the same upload, left open for it.
        var second = (await Job(id).StartAsync(node))!;
        var again = (await Job(id).PlaceBundleAsync(node, second.Attempt, "example.org", sha))!;
        Assert.Equal((placed.FullKey, "upload-1", second.Attempt), (again.FullKey, again.UploadId, again.Attempt));
        Assert.DoesNotContain((await Job(id).GetAsync())!.Log, line => line.Message.Contains("abort", StringComparison.OrdinalIgnoreCase));
        var step = await Job(id).AuthorizeUploadAsync(node, second.Attempt, new BundleUploadStep(BundleUploadAction.SignPart, placed.FullKey, UploadId: "upload-1", PartNumber: 4));
        Assert.Equal(4, step!.PartCount);

        // Handed back again, but the node made another bundle: a place of its own, and the upload
        // of the one no attempt goes on with is dropped (the test's provider is a folder: said why not).
        Assert.Equal(LeaseStatus.Active, await Job(id).ReleaseAsync(node, second.Attempt, "the node is shutting down", NoProgress, keptWork: true));
        var third = (await Job(id).StartAsync(node))!;
        var other = (await Job(id).PlaceBundleAsync(node, third.Attempt, "other.example", new string('c', 64)))!;
        Assert.NotEqual(placed.FullKey, other.FullKey);
        Assert.Null(other.UploadId);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(await Job(id).GetAsync())!.Log.Any(line => line.Message.Contains($"upload of {placed.FullKey} left by attempt {second.Attempt}", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the abandoned upload was never dealt with");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_cancel_that_comes_after_the_master_checked_the_bundle_completes_the_job_with_it_instead_of_orphaning_it()
    {
        var node = NewNodeId();
        var id = await CreateAsync(node, providerId: SqliteSiloFixture.ProviderId);
        var first = (await Job(id).StartAsync(node))!;
        var stored = await PlacedBundles.PlaceAsync(Job(id), node, first.Attempt, verified: true);

        await Job(id).CancelAsync();
        Assert.Equal(LeaseStatus.Active, await Job(id).FinishAsync(node, first.Attempt, new JobOutcome(JobState.Cancelled, null, null, NoProgress)));

        var done = (await Job(id).GetAsync())!;
        Assert.Equal(JobState.Completed, done.State);
        Assert.Equal(stored, done.Result);
        Assert.Contains(done.Log, line => line.Message.EndsWith("Completed with that bundle (the cancel came too late to stop it)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lapsed_lease_puts_the_job_back_in_its_queue_then_fails_it_when_attempts_run_out()
    {
        var node = NewNodeId();
        var id = await CreateAsync(node, maxAttempts: 2);
        var first = await Job(id).StartAsync(node);

        silo.Advance(FakeClockSiloFixture.LeaseDuration + TimeSpan.FromSeconds(1));
        var requeued = await WaitForStateAsync(id, JobState.Pending);
        Assert.Contains(requeued.Log, line => line.Message.Contains($"Node {node} stopped reporting", StringComparison.Ordinal) && line.Message.Contains("attempt 2 of 2", StringComparison.Ordinal));
        Assert.Equal([id], await Grains.GetGrain<INodeJobQueueGrain>(node).ListAsync());
        // The node that lost the lease is told so if it comes back.
        Assert.Equal(LeaseStatus.Lost, await Job(id).ReportAsync(node, first!.Attempt, NoProgress));

        var second = await Grains.GetGrain<INodeJobQueueGrain>(node).StartNextAsync();
        Assert.Equal(id, second!.JobId);
        Assert.Equal(2, second.Attempt);
        // Reports keep the lease alive past its duration.
        for (var i = 0; i < 4; i++)
        {
            silo.Advance(FakeClockSiloFixture.LeaseDuration * 0.9);
            Assert.Equal(LeaseStatus.Active, await Job(id).ReportAsync(node, second.Attempt, NoProgress));
        }

        Assert.Equal(JobState.Running, (await Job(id).GetAsync())!.State);
        silo.Advance(FakeClockSiloFixture.LeaseDuration + TimeSpan.FromSeconds(1));
        var failed = await WaitForStateAsync(id, JobState.Failed);
        Assert.Contains("lease lapsed", failed.Error, StringComparison.Ordinal);
        Assert.Contains("2 of 2 attempts", failed.Error, StringComparison.Ordinal);
        Assert.Empty(await Grains.GetGrain<INodeJobQueueGrain>(node).ListAsync());
    }

    [Fact]
    public async Task The_index_lists_newest_first_with_filters_and_paging_and_follows_state_changes()
    {
        var node = NewNodeId();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await CreateAsync(node));
        }

        await Job(ids[1]).CancelAsync();
        var index = silo.JobIndex;

        var all = await index.QueryAsync(new JobQuery(NodeId: node));
        Assert.Equal(5, all.Total);
        Assert.Equal(Enumerable.Reverse(ids), all.Items.Select(j => j.Id));

        var page = await index.QueryAsync(new JobQuery(NodeId: node, Offset: 1, Limit: 2));
        Assert.Equal([ids[3], ids[2]], page.Items.Select(j => j.Id));
        Assert.Equal(5, page.Total);

        var cancelled = await index.QueryAsync(new JobQuery(State: JobState.Cancelled, NodeId: node));
        Assert.Equal([ids[1]], cancelled.Items.Select(j => j.Id));
        var otherModule = await index.QueryAsync(new JobQuery(NodeId: node, Module: "mysql"));
        Assert.Empty(otherModule.Items);
        var future = await index.QueryAsync(new JobQuery(NodeId: node, CreatedFrom: silo.Now.AddMinutes(1)));
        Assert.Empty(future.Items);
    }

    [Fact]
    public async Task Secret_config_values_are_masked_in_what_the_job_shows_but_not_in_what_the_node_gets()
    {
        var node = NewNodeId();
        const string config = """{"path":"/srv/www/a","db":{"user":"wp","password":"hunter2-secret"}}""";
        var id = Guid.NewGuid().ToString("N");
        var created = await Job(id).CreateAsync(new JobSpec(node, "wordpress", config, "p", 5, 2), Stages);

        Assert.DoesNotContain("hunter2-secret", created.ConfigJson, StringComparison.Ordinal);
        Assert.Contains("\"password\":\"********\"", created.ConfigJson, StringComparison.Ordinal);
        Assert.Contains("\"user\":\"wp\"", created.ConfigJson, StringComparison.Ordinal);
        SecretScan.AssertNotInFiles(Path.GetDirectoryName(silo.Database.Path)!, "hunter2-secret");
        Assert.Equal(config, (await Job(id).StartAsync(node))!.ConfigJson);
    }

    [Fact]
    public async Task The_node_is_signalled_when_work_arrives_and_when_its_running_job_is_cancelled()
    {
        var node = NewNodeId();
        var signals = new RecordingObserver();
        var observer = silo.Client.CreateObjectReference<INodeJobObserver>(signals);
        await Grains.GetGrain<INodeJobQueueGrain>(node).SubscribeAsync(observer);

        var id = await CreateAsync(node);
        await signals.WaitForAsync(() => signals.WorkSignals > 0);
        var assignment = await Job(id).StartAsync(node);
        await Job(id).CancelAsync();
        await signals.WaitForAsync(() => signals.Cancelled.Contains(id));

        Assert.NotNull(assignment);
        GC.KeepAlive(signals);
    }

    [Fact]
    public async Task The_masters_subscription_for_a_nodes_signal_stream_still_hears_the_queue_after_a_garbage_collection()
    {
        // Orleans holds the object behind a reference only weakly: when the master's stream let go
        // of its observer, the first collection took it and the node heard nothing more (every job
        // waited for its 5 s poll). Made in the silo, as the node API's stream makes it.
        var node = NewNodeId();
        using var subscription = new NodeSignalSubscription(silo.SiloServices.GetRequiredService<IGrainFactory>());
        await Grains.GetGrain<INodeJobQueueGrain>(node).SubscribeAsync(subscription.Reference);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var id = await CreateAsync(node);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal((NodeSignals.Work, ""), await subscription.ReadAsync(wait.Token));
        Assert.NotNull(await Job(id).StartAsync(node));
        await Job(id).CancelAsync();
        Assert.Equal((NodeSignals.Cancel, id), await subscription.ReadAsync(wait.Token));
    }

    [Fact]
    public async Task A_burst_of_new_jobs_for_a_node_is_one_work_signal_and_pushes_no_cancel_out_of_its_stream()
    {
        var node = NewNodeId();
        using var subscription = new NodeSignalSubscription(silo.SiloServices.GetRequiredService<IGrainFactory>());
        await Grains.GetGrain<INodeJobQueueGrain>(node).SubscribeAsync(subscription.Reference);
        var running = await CreateAsync(node);
        Assert.NotNull(await Job(running).StartAsync(node));
        await Job(running).CancelAsync();
        // More new jobs than the stream keeps signals for, before it reads one (a node whose connection is slow).
        for (var i = 0; i < 80; i++)
        {
            await CreateAsync(node);
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal((NodeSignals.Work, ""), await subscription.ReadAsync(wait.Token));
        Assert.Equal((NodeSignals.Cancel, running), await subscription.ReadAsync(wait.Token));
        // Told once, work is signalled again for the next job.
        await CreateAsync(node);
        Assert.Equal((NodeSignals.Work, ""), await subscription.ReadAsync(wait.Token));
    }

    private sealed class RecordingObserver : INodeJobObserver
    {
        private int _workSignals;

        public int WorkSignals => Volatile.Read(ref _workSignals);

        public System.Collections.Concurrent.ConcurrentBag<string> Cancelled { get; } = [];

        public Task JobsAvailable()
        {
            Interlocked.Increment(ref _workSignals);
            return Task.CompletedTask;
        }

        public Task CancelRequested(string jobId)
        {
            Cancelled.Add(jobId);
            return Task.CompletedTask;
        }

        public async Task WaitForAsync(Func<bool> condition)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < deadline, "The signal did not arrive.");
                await Task.Delay(20);
            }
        }
    }

    private IJobGrain Job(string id) => Grains.GetGrain<IJobGrain>(id);

    private static string NewNodeId() => "n" + Guid.NewGuid().ToString("N")[..16];

    private async Task<string> CreateAsync(string nodeId, int priority = 5, int maxAttempts = 2, string providerId = "p")
    {
        var id = Guid.CreateVersion7().ToString("N");
        await Job(id).CreateAsync(new JobSpec(nodeId, "wordpress", "{}", providerId, priority, maxAttempts), Stages);
        // Creation times must differ for "oldest first" to mean something.
        silo.Advance(TimeSpan.FromMilliseconds(5));
        return id;
    }

    private Task<JobDetails> WaitForStateAsync(string id, JobState state) => silo.WaitForJobAsync(id, job => job.State == state);
}
