using Amazon.S3.Model;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.Schedules;
using Backupd.Contracts.Storage;
using Backupd.Grains.Jobs;
using Backupd.Grains.Schedules;
using Backupd.Grains.Storage;
using Backupd.Modules.Storage;
using Backupd.TestBed;
using Backupd.Tests.Jobs;
using Backupd.Tests.Master;

namespace Backupd.Tests.Schedules;

/// <summary>Retention after a sequence of scheduled runs, against a real bucket (s3rver).</summary>
[Collection(SqliteSiloCollection.Name)]
public sealed class ScheduleRetentionTests(SqliteSiloFixture silo, S3rverServer s3) : IClassFixture<S3rverServer>
{
    private IGrainFactory Grains => silo.Client;

    [Fact]
    public async Task After_each_successful_run_only_the_bundles_the_policy_keeps_remain_and_a_failed_run_prunes_nothing()
    {
        using var client = s3.CreateClient();
        var providerId = Guid.NewGuid().ToString("N");
        await Grains.GetGrain<IStorageProviderGrain>(providerId).CreateAsync(new StorageProviderDefinition("bucket", StorageTypes.S3, null, "",
            new Backupd.Contracts.Storage.S3Location(s3.ServiceUrl, S3rverServer.Region, s3.BucketName, true, S3rverServer.AccessKey, S3rverServer.SecretKey)));
        var node = "n" + Guid.NewGuid().ToString("N")[..16];
        var scheduleId = Guid.NewGuid().ToString("N");
        var schedule = Grains.GetGrain<IScheduleGrain>(scheduleId);
        await schedule.CreateAsync(ScheduleGrainTests.Definition(node, "0 3 * * *", enabled: false, providerId: providerId, retention: new RetentionSettings(KeepLast: 2, null, null, null)));

        var keys = new List<string>();
        for (var run = 0; run < 4; run++)
        {
            keys.Add(await RunOnceAsync(schedule, node, client, s3.BucketName, JobState.Completed));
        }

        // Pruning follows each success one way; wait until the bucket settles. The schedule marks a
        // job pruned, and records the event, just after deleting its bundle, so those may lag a moment.
        await WaitForKeysAsync(client, s3.BucketName, node, keys[^2..]);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        int pruned;
        while ((pruned = (await silo.JobIndex.QueryAsync(new JobQuery(ScheduleId: scheduleId))).Items.Count(j => j.PrunedAt is not null)) < 2
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(2, pruned);
        var deletedEvent = await WaitForEventAsync(schedule, ScheduleEventKind.Pruned);
        Assert.Contains("deleted", deletedEvent.Message, StringComparison.Ordinal);

        // A failed run never prunes. A tighter policy, which the next success would apply, makes a
        // wrong prune visible: it would delete one of the two bundles left. The schedule records the
        // failed run in the same turn in which it would have pruned.
        await schedule.UpdateAsync(ScheduleGrainTests.Definition(node, "0 3 * * *", enabled: false, providerId: providerId, retention: new RetentionSettings(KeepLast: 1, null, null, null)));
        var prunedBefore = (await schedule.GetAsync())!.History.Count(e => e.Kind == ScheduleEventKind.Pruned);
        await RunOnceAsync(schedule, node, client, s3.BucketName, JobState.Failed);
        var failedJob = (await schedule.GetAsync())!.LastJobId!;
        var failedEvent = await WaitForEventAsync(schedule, ScheduleEventKind.RunFailed, failedJob);
        Assert.Equal($"Job {failedJob} ended failed; retention waits for a successful run, so no bundle was pruned", failedEvent.Message);
        Assert.Equal(keys[^2..].Order(StringComparer.Ordinal), await ListKeysAsync(client, s3.BucketName, node));
        Assert.Equal(prunedBefore, (await schedule.GetAsync())!.History.Count(e => e.Kind == ScheduleEventKind.Pruned));
    }

    // The grain side of local retention: what the schedule asks of the node, and what it makes of
    // a prune job that fails. A real node deleting for real: LocalRetentionEndToEndTests.
    [Fact]
    public async Task Retention_on_a_local_provider_queues_a_prune_job_whose_failure_is_recorded_without_failing_the_backups()
    {
        var providerId = Guid.NewGuid().ToString("N");
        await Grains.GetGrain<IStorageProviderGrain>(providerId).CreateAsync(new StorageProviderDefinition("local", StorageTypes.Local, "/var/backups/on-the-node", "", null));
        var node = "n" + Guid.NewGuid().ToString("N")[..16];
        var schedule = Grains.GetGrain<IScheduleGrain>(Guid.NewGuid().ToString("N"));
        await schedule.CreateAsync(ScheduleGrainTests.Definition(node, "0 3 * * *", enabled: false, providerId: providerId, retention: new RetentionSettings(KeepLast: 1, null, null, null)));
        using var client = s3.CreateClient();

        var jobIds = new List<string>();
        for (var run = 0; run < 2; run++)
        {
            await RunOnceAsync(schedule, node, client, s3.BucketName, JobState.Completed);
            jobIds.Add((await schedule.GetAsync())!.LastJobId!);
        }

        // The master cannot reach a node's folder, so retention queues a prune job on the node.
        var planned = await WaitForEventAsync(schedule, ScheduleEventKind.Pruned);
        var pruneJobId = planned.JobId!;
        var prune = await Grains.GetGrain<IJobGrain>(pruneJobId).GetAsync();
        Assert.Equal("prune", prune!.Module);
        Assert.Contains(jobIds[0], prune.ConfigJson, StringComparison.Ordinal);
        Assert.DoesNotContain(jobIds[1], prune.ConfigJson, StringComparison.Ordinal);

        // The node fails to delete: recorded, and the backups stand.
        var assignment = await Grains.GetGrain<INodeJobQueueGrain>(node).StartNextAsync();
        Assert.Equal(pruneJobId, assignment!.JobId);
        await Grains.GetGrain<IJobGrain>(pruneJobId).FinishAsync(node, assignment!.Attempt, new JobOutcome(JobState.Failed, null, "disk gone", new JobProgressReport([], [])));
        var failure = await WaitForEventAsync(schedule, ScheduleEventKind.PruneFailed);
        Assert.Contains("disk gone", failure.Message, StringComparison.Ordinal);
        foreach (var jobId in jobIds)
        {
            var job = await Grains.GetGrain<IJobGrain>(jobId).GetAsync();
            Assert.Equal(JobState.Completed, job!.State);
            Assert.Null(job.PrunedAt);
        }
    }

    private static async Task<ScheduleEvent> WaitForEventAsync(IScheduleGrain schedule, ScheduleEventKind kind, string? jobId = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var details = (await schedule.GetAsync())!;
            if (details.History.FirstOrDefault(e => e.Kind == kind && (jobId is null || e.JobId == jobId)) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No {kind} event: {string.Join("; ", details.History)}");
            await Task.Delay(100);
        }
    }

    private async Task<string> RunOnceAsync(IScheduleGrain schedule, string node, Amazon.S3.IAmazonS3 client, string bucket, JobState outcome)
    {
        var jobId = (await schedule.RunNowAsync())!.JobId;
        var assignment = await Grains.GetGrain<INodeJobQueueGrain>(node).StartNextAsync();
        Assert.Equal(jobId, assignment!.JobId);
        var job = Grains.GetGrain<IJobGrain>(jobId!);
        var provider = (await job.GetAsync())!.ProviderId;
        var s3Provider = (await Grains.GetGrain<IStorageProviderGrain>(provider).GetAsync())!.Type == StorageTypes.S3;
        // As a node's upload goes: the master places the bundle, and checks it when the provider is S3.
        var placed = await PlacedBundles.PlaceAsync(job, node, assignment!.Attempt, verified: s3Provider, site: "site");
        var key = placed.ObjectKey;
        JobResult? result = null;
        if (outcome == JobState.Completed)
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "bundle " + jobId, UseChunkEncoding = false });
            result = placed;
        }

        await Grains.GetGrain<IJobGrain>(jobId!).FinishAsync(node, assignment!.Attempt,
            new JobOutcome(outcome, result, outcome == JobState.Failed ? "failed on purpose" : null, new JobProgressReport([], [])));
        await Task.Delay(20);
        return key;
    }

    private static async Task WaitForKeysAsync(Amazon.S3.IAmazonS3 client, string bucket, string node, IEnumerable<string> expected)
    {
        var want = expected.Order(StringComparer.Ordinal).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        List<string> keys;
        while (!(keys = await ListKeysAsync(client, bucket, node)).SequenceEqual(want) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal(want, keys);
    }

    // Each test writes under its own node's prefix, so tests sharing the bucket do not see each other's bundles.
    private static async Task<List<string>> ListKeysAsync(Amazon.S3.IAmazonS3 client, string bucket, string node)
    {
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = node + "/" });
        return [.. (listed.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal)];
    }
}
