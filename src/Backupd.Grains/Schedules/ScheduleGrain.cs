using System.Security.Cryptography;
using System.Text.Json;
using Backupd.Contracts;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.Schedules;
using Backupd.Contracts.Storage;
using Backupd.Grains.Dashboard;
using Backupd.Grains.Jobs;
using Backupd.Grains.Secrets;
using Backupd.Grains.Storage;
using Backupd.Modules;
using Backupd.Modules.Pruning;
using Backupd.Modules.Storage;
using Backupd.Scheduling;
using Microsoft.Extensions.Logging;

namespace Backupd.Grains.Schedules;

/// <inheritdoc cref="IScheduleGrain"/>
/// <remarks>
/// A reminder (once a minute, the finest Orleans reminders go) keeps an enabled schedule alive
/// across master restarts; while active, a one-second grain timer asks the cron expression
/// whether an occurrence is due, so jobs start within seconds of their time.
/// </remarks>
public sealed partial class ScheduleGrain(
    [PersistentState("schedule", StorageNames.Master)] IPersistentState<ScheduleRecord> schedule,
    ISecretCipher cipher,
    IBundlePruner pruner,
    IJobIndex jobs,
    IScheduleIndex index,
    JobLauncher launcher,
    TimeProvider time,
    ILogger<ScheduleGrain> logger) : Grain, IScheduleGrain, IRemindable
{
    private const string KeepAliveReminder = "keep-alive";
    private const int MaxHistory = 200;
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    private IGrainTimer? _ticker;
    private CronSchedule? _cron;

    private ScheduleRecord State => schedule.State;

    private ScheduleDefinition? Definition => schedule.RecordExists ? State.Definition : null;

    private string ScheduleId => this.GetPrimaryKeyString();

    private CronSchedule Cron => _cron ??= CronSchedule.Parse(Definition!.Cron, Definition.TimeZone);

    private CronSchedule? _testRestoreCron;

    private CronSchedule? TestRestoreCron => Definition?.TestRestoreCron is { } expression ? _testRestoreCron ??= CronSchedule.Parse(expression, Definition.TimeZone) : null;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Definition is { Enabled: true })
        {
            StartTicker();
        }

        return Task.CompletedTask;
    }

    public async Task<ScheduleDetails> CreateAsync(ScheduleDefinition definition)
    {
        if (Definition is not null)
        {
            throw new InvalidOperationException($"Schedule {ScheduleId} already exists.");
        }

        State.CreatedAt = time.GetUtcNow();
        State.LastDueHandled = State.CreatedAt;
        State.LastTestRestoreDueHandled = State.CreatedAt;
        await StoreAsync(definition);
        LogCreated(ScheduleId, definition.Name, definition.Cron, definition.TimeZone);
        return await DetailsAsync();
    }

    public async Task<ScheduleDetails?> UpdateAsync(ScheduleDefinition definition)
    {
        if (Definition is null)
        {
            return null;
        }

        // A changed expression starts counting from now: occurrences of the old one are not "missed".
        State.LastDueHandled = Max(State.LastDueHandled, time.GetUtcNow());
        State.LastTestRestoreDueHandled = Max(State.LastTestRestoreDueHandled, time.GetUtcNow());
        await StoreAsync(definition);
        return await DetailsAsync();
    }

    public async Task<bool> DeleteAsync()
    {
        if (Definition is null)
        {
            return false;
        }

        await StopTickingAsync();
        await schedule.ClearStateAsync();
        await index.RemoveAsync(ScheduleId);
        PublishChange();
        return true;
    }

    public Task WakeAsync() => Task.CompletedTask;

    public async Task<ScheduleDetails?> GetAsync() => Definition is null ? null : await DetailsAsync();

    public async Task<ScheduleRun?> RunNowAsync()
    {
        if (Definition is null)
        {
            return null;
        }

        var run = await TryCreateJobAsync(null);
        if (run.JobId is { } jobId)
        {
            Record(ScheduleEventKind.RanNow, null, jobId, "Run by hand");
        }

        await SaveAsync();
        return run;
    }

    public async Task<SecretsReencryption> ReencryptSecretsAsync()
    {
        if (Definition is not { } definition)
        {
            return SecretsReencryption.None;
        }

        var tokens = new SecretTokens(cipher);
        var config = SecretConfigMask.Transform(definition.ConfigJson, token => tokens.Reencrypt(token)!);
        if (tokens.Reencrypted > 0)
        {
            State.Definition = definition with { ConfigJson = config };
            await SaveAsync();
        }

        return new SecretsReencryption(tokens.Reencrypted, tokens.Unreadable);
    }

    public Task<int> CountUnreadableSecretsAsync()
    {
        var tokens = new SecretTokens(cipher);
        if (Definition is { } definition)
        {
            SecretConfigMask.Transform(definition.ConfigJson, token => tokens.Check(token)!);
        }

        return Task.FromResult(tokens.Unreadable);
    }

    public Task<IReadOnlyList<DateTimeOffset>> NextAsync(int count) =>
        Task.FromResult(Definition is null ? [] : Cron.Next(time.GetUtcNow(), Math.Clamp(count, 1, 100)));

    public async Task JobFinishedAsync(string jobId, JobState state)
    {
        if (Definition is null)
        {
            return;
        }

        var job = await GrainFactory.GetGrain<IJobGrain>(jobId).GetAsync();
        if (job is { Module: ModuleNames.Prune })
        {
            await PruneJobFinishedAsync(job);
            return;
        }

        if (state != JobState.Completed)
        {
            // Never prune after a failed or cancelled run: a run that left no bundle must not push a good one out.
            Record(ScheduleEventKind.RunFailed, null, jobId, Definition.Retention is null
                ? $"Job {jobId} ended {state.ToString().ToLowerInvariant()}"
                : $"Job {jobId} ended {state.ToString().ToLowerInvariant()}; retention waits for a successful run, so no bundle was pruned");
            await SaveAsync();
            return;
        }

        if (Definition.VerifyAfterBackup && job is { Result: not null })
        {
            await QueueProofAsync(job, "verify", VerifyJobs.For);
        }

        if (Definition.TestRestoreAfterBackup && job is { Result: not null })
        {
            await QueueTestRestoreAsync(job);
        }

        if (Definition.Retention is not { } retention)
        {
            return;
        }

        try
        {
            await ApplyRetentionAsync(retention);
        }
        catch (Exception ex)
        {
            Record(ScheduleEventKind.PruneFailed, null, jobId, ex.Message);
            await SaveAsync();
            LogPruneFailed(ex, ScheduleId);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Activation already started the ticker; a schedule deleted or disabled since needs no reminder.
        return Definition is { Enabled: true } ? Task.CompletedTask : StopTickingAsync();
    }

    public async Task ReindexAsync()
    {
        if (Definition is null)
        {
            await index.RemoveAsync(ScheduleId);
        }
        else
        {
            await index.UpsertAsync(Row(), Indexing.StateVersion.Of(schedule));
        }
    }

    // The state first, then its index row: a crash between the two leaves a row older than the
    // state, which the master re-indexes at its next start.
    private async Task SaveAsync()
    {
        await schedule.WriteStateAsync();
        await index.UpsertAsync(Row(), Indexing.StateVersion.Of(schedule));
        PublishChange();
    }

    private void PublishChange() =>
        GrainFactory.PublishDashboardChange(DashboardTopic.Schedule, ScheduleId);

    private ScheduleIndexRow Row() => new(Details(lastJobState: null, nextRunAt: null), State.LastDueHandled);

    private async Task StoreAsync(ScheduleDefinition definition)
    {
        State.Definition = definition with { ConfigJson = SecretConfigMask.Transform(definition.ConfigJson, cipher.Encrypt) };
        _cron = null;
        _testRestoreCron = null;
        await SaveAsync();
        if (definition.Enabled)
        {
            StartTicker();
            await this.RegisterOrUpdateReminder(KeepAliveReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }
        else
        {
            await StopTickingAsync();
        }
    }

    private void StartTicker() =>
        _ticker ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TickInterval, TickInterval) { KeepAlive = true });

    private async Task StopTickingAsync()
    {
        _ticker?.Dispose();
        _ticker = null;
        if (await this.GetReminder(KeepAliveReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (Definition is not { Enabled: true } definition)
        {
            return;
        }

        var now = time.GetUtcNow();
        await TestRestoreIfDueAsync(definition, now);
        // Whether the last job still runs costs a call; ask only when something is due.
        var decision = ScheduleDecision.Decide(Cron, State.LastDueHandled, now, previousJobActive: false, definition.CatchUpWindow);
        if (decision is ScheduleDecision.Wait)
        {
            return;
        }

        decision = ScheduleDecision.Decide(Cron, State.LastDueHandled, now, await PreviousJobActiveAsync(), definition.CatchUpWindow);
        switch (decision)
        {
            case ScheduleDecision.RunNow run:
                RecordMissed(run.EarlierMissed);
                // Handled whether or not a job came of it: an occurrence that cannot run is recorded once, not retried every second.
                State.LastDueHandled = run.Due;
                if ((await TryCreateJobAsync(run.Due)).JobId is { } jobId)
                {
                    Record(run.Late ? ScheduleEventKind.RanLate : ScheduleEventKind.Ran, run.Due, jobId,
                        run.Late ? $"Missed at {run.Due:u} while the master was down; run {(now - run.Due).TotalMinutes:0} min late" : null);
                }

                break;
            case ScheduleDecision.Skip skip:
                RecordMissed(skip.EarlierMissed);
                State.LastDueHandled = skip.Due;
                Record(ScheduleEventKind.Skipped, skip.Due, State.LastJobId, $"Skipped: {skip.Reason} (job {State.LastJobId})");
                LogSkipped(ScheduleId, skip.Due, State.LastJobId);
                break;
            case ScheduleDecision.MissedBeyondWindow missed:
                RecordMissed(missed.EarlierMissed);
                State.LastDueHandled = missed.Due;
                Record(ScheduleEventKind.Missed, missed.Due, null, $"Missed at {missed.Due:u} while the master was down; older than the catch-up window ({definition.CatchUpWindow}), so not run");
                break;
        }

        await SaveAsync();
    }

    private async Task<bool> PreviousJobActiveAsync() =>
        State.LastJobId is { } last
        && await GrainFactory.GetGrain<IJobGrain>(last).GetAsync() is { State: JobState.Pending or JobState.Running };

    // A config no configured key opens makes no job: that is recorded on the schedule (history and
    // last result), where an admin sees it, instead of failing the tick or the request.
    private async Task<ScheduleRun> TryCreateJobAsync(DateTimeOffset? due)
    {
        try
        {
            var jobId = await CreateJobAsync();
            State.LastResult = $"Created job {jobId} at {time.GetUtcNow():u}";
            return new ScheduleRun(jobId, null);
        }
        catch (CryptographicException)
        {
            var problem = "The schedule's config holds secrets that no key in BACKUPD_SECRET_KEY opens (the key they were encrypted with is missing). "
                + $"Restore that key, or enter the secrets again with PUT /api/v1/schedules/{ScheduleId}.";
            State.LastResult = $"Not run at {time.GetUtcNow():u}: {problem}";
            Record(ScheduleEventKind.NotRun, due, null, problem);
            LogNotRun(ScheduleId);
            return new ScheduleRun(null, problem);
        }
    }

    private async Task<string> CreateJobAsync()
    {
        var definition = Definition!;
        var config = SecretConfigMask.Transform(definition.ConfigJson, cipher.Decrypt);
        var id = (await launcher.LaunchAsync(
            new JobSpec(definition.NodeId, definition.Module, config, definition.ProviderId, definition.Priority, JobSpec.DefaultMaxAttempts, ScheduleId))).Id;
        State.LastJobId = id;
        LogJobCreated(ScheduleId, id);
        return id;
    }

    // A verify or test-restore of a new bundle; its outcome goes on the backup's record
    // (lastVerification, lastTestRestore). One that could not be queued must not hold up
    // retention or fail the run that succeeded.
    private async Task<string?> QueueProofAsync(JobDetails backup, string kind, Func<JobDetails, string, int, JobSpec> spec)
    {
        try
        {
            var job = await launcher.LaunchAsync(spec(backup, Definition!.NodeId, Definition.Priority));
            LogProofQueued(ScheduleId, kind, job.Id, backup.Id);
            return job.Id;
        }
        catch (Exception ex)
        {
            LogProofNotQueued(ex, ScheduleId, kind, backup.Id);
            return null;
        }
    }

    // On the chosen node, else on the node that made the backup (the schedule may have moved since),
    // beside the chosen install, else beside the backed-up site. Another node than the backup's
    // reads the bundle from the provider, which a local folder on the backup's node cannot serve.
    private async Task<string?> QueueTestRestoreAsync(JobDetails backup)
    {
        var definition = Definition!;
        var node = definition.TestRestoreNodeId ?? backup.NodeId;
        if (!await BundleReach.CanReadAsync(GrainFactory, backup.ProviderId, backup.NodeId, node))
        {
            LogProofNotQueued(new InvalidOperationException($"Provider {backup.ProviderId} is a local folder on node {backup.NodeId}, which alone holds the bundle; node {node} cannot read it."), ScheduleId, "test-restore", backup.Id);
            return null;
        }

        // Beside the backed-up site the scratch copy borrows its database, with the settings the
        // schedule's backups reach it with: a finished backup no longer holds their password.
        return await QueueProofAsync(backup, "test-restore", (job, _, priority) => TestRestoreJobs.For(job, node, priority, definition.TestRestorePath,
            definition.TestRestorePath is null ? System.Text.Json.Nodes.JsonNode.Parse(SecretConfigMask.Transform(definition.ConfigJson, cipher.Decrypt))?["db"] : null));
    }

    // The test-restore cron proves the newest bundle at its own times (weekly, say, beside
    // nightly backups); a missed occurrence is not caught up beyond the catch-up window.
    private async Task TestRestoreIfDueAsync(ScheduleDefinition definition, DateTimeOffset now)
    {
        if (TestRestoreCron is not { } cron)
        {
            return;
        }

        var decision = ScheduleDecision.Decide(cron, State.LastTestRestoreDueHandled, now, previousJobActive: false, definition.CatchUpWindow);
        switch (decision)
        {
            case ScheduleDecision.RunNow run:
                State.LastTestRestoreDueHandled = run.Due;
                var backup = await NewestBundleAsync();
                if (backup is null)
                {
                    Record(ScheduleEventKind.TestRestoreDue, run.Due, null, "No test-restore: the schedule has no completed backup whose bundle is still stored");
                }
                else if (await QueueTestRestoreAsync(backup) is { } restoreId)
                {
                    Record(ScheduleEventKind.TestRestoreDue, run.Due, restoreId, $"Test-restore of the newest bundle, job {backup.Id}'s, queued");
                }
                else
                {
                    Record(ScheduleEventKind.TestRestoreDue, run.Due, null, $"The test-restore of job {backup.Id}'s bundle could not be queued (the master's log says why)");
                }

                break;
            case ScheduleDecision.MissedBeyondWindow missed:
                State.LastTestRestoreDueHandled = missed.Due;
                Record(ScheduleEventKind.TestRestoreDue, missed.Due, null, $"Test-restore missed at {missed.Due:u} while the master was down; older than the catch-up window ({definition.CatchUpWindow}), so not run");
                break;
            default:
                return;
        }

        await SaveAsync();
    }

    // From the index, so that bundles made before the test-restore cron was set count too.
    private async Task<JobDetails?> NewestBundleAsync()
    {
        var completed = await jobs.QueryAllAsync(new JobQuery(State: JobState.Completed, ScheduleId: ScheduleId));
        var newest = completed.Where(job => job.Result is not null && job.PrunedAt is null).MaxBy(job => job.CreatedAt);
        return newest is null ? null : await GrainFactory.GetGrain<IJobGrain>(newest.Id).GetAsync();
    }

    public async Task RecordTestRestoreAsync(RestoreReceipt receipt)
    {
        if (Definition is null || (State.LastTestRestore is { } recorded && recorded.At > receipt.At))
        {
            return;
        }

        State.LastTestRestore = receipt;
        await SaveAsync();
    }

    private async Task ApplyRetentionAsync(RetentionSettings settings)
    {
        if (!RetentionPolicy.TryCreate(settings.KeepLast, settings.KeepDaily, settings.KeepWeekly, settings.KeepMonthly, out var policy, out var error))
        {
            throw new InvalidOperationException(error);
        }

        var completed = await jobs.QueryAllAsync(new JobQuery(State: JobState.Completed, ScheduleId: ScheduleId));
        var bundles = completed.Where(job => job.PrunedAt is null && job.Result is not null)
            .Select(job => new RetainedBundle(job.Id, job.Result!.ObjectKey, job.CreatedAt)).ToList();

        var plan = policy.Plan(bundles, Cron.TimeZone);
        if (plan.Prune.Count == 0)
        {
            return;
        }

        var target = await GrainFactory.GetGrain<IStorageProviderGrain>(Definition!.ProviderId).GetTargetSettingsAsync()
            ?? throw new InvalidOperationException($"Provider {Definition.ProviderId} no longer exists; nothing was pruned.");

        // Checked again at delete time, against the job each bundle belongs to: a record from
        // before results were checked must not make the master delete another job's bundle.
        var byId = completed.ToDictionary(job => job.Id);
        var prune = plan.Prune.Where(bundle => BundleKey.Belongs(bundle.ObjectKey, target.Prefix, byId[bundle.JobId].NodeId, byId[bundle.JobId].Module, bundle.JobId)).ToList();
        foreach (var foreign in plan.Prune.Except(prune))
        {
            LogForeignKeySkipped(ScheduleId, foreign.JobId, foreign.ObjectKey);
        }

        if (prune.Count == 0)
        {
            return;
        }

        if (!pruner.DeletesFromMaster(target))
        {
            // A local folder lives on the node: the node deletes, as a job of its own.
            var pruneJob = await CreatePruneJobAsync(prune);
            Record(ScheduleEventKind.Pruned, null, pruneJob, $"Kept {plan.Keep.Count} bundle(s); job {pruneJob} deletes {prune.Count} on node {Definition.NodeId}");
            await SaveAsync();
            return;
        }

        var deleted = new List<string>();
        foreach (var bundle in prune)
        {
            await pruner.DeleteAsync(target, bundle.ObjectKey, CancellationToken.None);
            await GrainFactory.GetGrain<IJobGrain>(bundle.JobId).MarkPrunedAsync();
            deleted.Add(bundle.ObjectKey);
        }

        Record(ScheduleEventKind.Pruned, null, null, $"Kept {plan.Keep.Count} bundle(s); deleted {deleted.Count}: {string.Join(", ", deleted)}");
        await SaveAsync();
        LogPruned(ScheduleId, deleted.Count, plan.Keep.Count);
    }

    private async Task<string> CreatePruneJobAsync(IReadOnlyList<RetainedBundle> bundles)
    {
        var definition = Definition!;
        // The prune module's own config type, so the shape is written and read back in one place.
        var config = JsonSerializer.Serialize(
            new BundlePruneConfig([.. bundles.Select(b => b.ObjectKey)], [.. bundles.Select(b => b.JobId)]), JsonSerializerOptions.Web);
        var job = await launcher.LaunchAsync(
            new JobSpec(definition.NodeId, ModuleNames.Prune, config, definition.ProviderId, JobSpec.MaxPriority, JobSpec.DefaultMaxAttempts, ScheduleId));
        return job.Id;
    }

    private async Task PruneJobFinishedAsync(JobDetails job)
    {
        if (job.State != JobState.Completed)
        {
            Record(ScheduleEventKind.PruneFailed, null, job.Id, $"Prune job {job.Id} ended {job.State.ToString().ToLowerInvariant()}: {job.Error}");
            await SaveAsync();
            return;
        }

        var jobIds = JsonSerializer.Deserialize<BundlePruneConfig>(job.ConfigJson, JsonSerializerOptions.Web)!.JobIds;
        foreach (var jobId in jobIds)
        {
            await GrainFactory.GetGrain<IJobGrain>(jobId).MarkPrunedAsync();
        }

        Record(ScheduleEventKind.Pruned, null, job.Id, $"Prune job {job.Id} deleted {jobIds.Count} bundle(s) on node {job.NodeId}");
        await SaveAsync();
    }

    private void RecordMissed(MissedOccurrences? missed)
    {
        if (missed is not null)
        {
            Record(ScheduleEventKind.Missed, missed.Last, null,
                missed.First == missed.Last
                    ? $"Missed at {missed.First:u} while the master was down; only the latest missed occurrence runs"
                    : $"Missed from {missed.First:u} to {missed.Last:u} while the master was down; only the latest missed occurrence runs");
        }
    }

    private void Record(ScheduleEventKind kind, DateTimeOffset? due, string? jobId, string? message)
    {
        State.History.Add(new ScheduleEvent(time.GetUtcNow(), kind, due, jobId, message));
        if (State.History.Count > MaxHistory)
        {
            State.History.RemoveRange(0, State.History.Count - MaxHistory);
        }
    }

    private async Task<ScheduleDetails> DetailsAsync()
    {
        var lastJob = State.LastJobId is { } last ? await GrainFactory.GetGrain<IJobGrain>(last).GetAsync() : null;
        return Details(lastJob?.State, ScheduleIndexRow.NextRun(Definition!, Cron, State.LastDueHandled, time.GetUtcNow()));
    }

    private ScheduleDetails Details(JobState? lastJobState, DateTimeOffset? nextRunAt) =>
        new(ScheduleId, Definition! with { ConfigJson = SecretConfigMask.Apply(Definition!.ConfigJson) },
            nextRunAt, State.LastJobId, lastJobState, [.. State.History], State.CreatedAt, State.LastResult, State.LastTestRestore);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(LogLevel.Information, "Schedule {ScheduleId}: queued {Kind} job {ProofJobId} for the bundle of job {JobId}")]
    private partial void LogProofQueued(string scheduleId, string kind, string proofJobId, string jobId);

    [LoggerMessage(LogLevel.Warning, "Schedule {ScheduleId}: could not queue a {Kind} job for the bundle of job {JobId}")]
    private partial void LogProofNotQueued(Exception exception, string scheduleId, string kind, string jobId);

    [LoggerMessage(LogLevel.Information, "Schedule {ScheduleId} ({Name}) created: {Cron} in {TimeZone}")]
    private partial void LogCreated(string scheduleId, string name, string cron, string timeZone);

    [LoggerMessage(LogLevel.Information, "Schedule {ScheduleId} created job {JobId}")]
    private partial void LogJobCreated(string scheduleId, string jobId);

    [LoggerMessage(LogLevel.Information, "Schedule {ScheduleId} skipped its occurrence at {Due}: job {JobId} is still pending or running")]
    private partial void LogSkipped(string scheduleId, DateTimeOffset due, string? jobId);

    [LoggerMessage(LogLevel.Information, "Schedule {ScheduleId} pruned {Deleted} bundle(s), kept {Kept}")]
    private partial void LogPruned(string scheduleId, int deleted, int kept);

    [LoggerMessage(LogLevel.Error, "Schedule {ScheduleId} made no job: no configured key opens its config's secrets")]
    private partial void LogNotRun(string scheduleId);

    [LoggerMessage(LogLevel.Warning, "Schedule {ScheduleId}: retention left bundle {ObjectKey} of job {JobId} alone: its key is not the job's own")]
    private partial void LogForeignKeySkipped(string scheduleId, string jobId, string objectKey);

    [LoggerMessage(LogLevel.Warning, "Schedule {ScheduleId}: pruning failed; the backup stands")]
    private partial void LogPruneFailed(Exception exception, string scheduleId);
}
