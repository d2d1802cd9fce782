using System.Security.Cryptography;
using Backupd.Contracts.Jobs;
using Backupd.Grains.Dashboard;
using Backupd.Contracts.Schedules;
using Backupd.Grains.Schedules;
using Backupd.Grains.Secrets;
using Backupd.Grains.Storage;
using Backupd.Modules.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Grains.Jobs;

/// <inheritdoc cref="IJobGrain"/>
/// <remarks>
/// A running job is held by its node under a lease that each progress report renews. A grain
/// timer notices a lapse within seconds; a reminder wakes the grain after a master restart so a
/// job whose node vanished meanwhile is not left running forever.
/// </remarks>
// A job is read now and then once it is queued or has ended; a running one stays active through
// its lease timer. Left to the default (15 min), a burst of jobs would hold every grain in memory.
[CollectionAgeLimit(Minutes = 2)]
public sealed partial class JobGrain(
    [PersistentState("job", StorageNames.Master)] IPersistentState<JobRecord> job,
    ISecretCipher cipher,
    IJobIndex index,
    IBundlePruner storage,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IRemindable
{
    private const string LeaseReminder = "lease";
    // Hand-backs beyond this count as attempts: a node that keeps stopping cannot keep a job from ever ending.
    private const int MaxUncountedReleases = 10;
    // Progress counters change with every report; the stored copy needs refreshing only now and then.
    private static readonly TimeSpan ProgressWriteInterval = TimeSpan.FromSeconds(10);

    private const string UnreadableSecrets =
        "Its config's secrets cannot be opened with any key in BACKUPD_SECRET_KEY (the key they were encrypted with is missing). "
        + "Restore that key, or create the job again.";

    private IGrainTimer? _leaseTimer;
    private bool _reminderMayExist;
    private DateTimeOffset _lastWrite;
    private JobSummary? _indexed;

    private JobRecord State => job.State;

    // ADO.NET grain storage counts versions from 1; the etag is that number.
    private long StateVersion => Indexing.StateVersion.Of(job);

    private bool Exists => job.RecordExists && State.Spec is not null;

    private string JobId => this.GetPrimaryKeyString();

    private TimeSpan LeaseDuration => options.Value.LeaseDuration;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Exists && State.State == JobState.Running)
        {
            // The node could not report while this grain was away (a master restart): give it a full lease to come back.
            var grace = time.GetUtcNow() + LeaseDuration;
            if (State.LeaseExpiresAt is not { } expires || expires < grace)
            {
                State.LeaseExpiresAt = grace;
            }

            await WatchLeaseAsync();
        }

        AbortLeftoverUploadSoon();
    }

    public async Task<JobDetails> CreateAsync(JobSpec spec, IReadOnlyList<string> stages)
    {
        if (Exists)
        {
            throw new InvalidOperationException($"Job {JobId} already exists.");
        }

        // Secrets in the config (a database password) are stored encrypted and opened only for the node.
        State.Spec = spec with { ConfigJson = SecretConfigMask.Transform(spec.ConfigJson, cipher.Encrypt) };
        State.State = JobState.Pending;
        State.CreatedAt = time.GetUtcNow();
        State.Stages = [.. stages.Select(name => new JobStageInfo(name, StageStatus.Pending))];
        AddLog(JobLogLevel.Info, $"Queued on node {spec.NodeId} with priority {spec.Priority}");
        await SaveAsync();
        await Queue.EnqueueAsync(JobId, spec.Priority, State.CreatedAt);
        LogCreated(JobId, spec.Module, spec.NodeId, spec.Priority);
        return Details();
    }

    public Task<JobDetails?> GetAsync() => Task.FromResult(Exists ? Details() : null);

    public async Task<JobDetails?> CancelAsync()
    {
        if (!Exists)
        {
            return null;
        }

        switch (State.State)
        {
            case JobState.Pending:
                AddLog(JobLogLevel.Warning, "Cancelled before it started");
                End(JobState.Cancelled, error: null);
                await SaveAsync();
                AbortLeftoverUploadSoon();
                LogCancelled(JobId, "pending");
                await NotifyEndedAsync();
                break;
            case JobState.Running when !State.CancelRequested:
                State.CancelRequested = true;
                AddLog(JobLogLevel.Warning, "Cancel requested; the node stops at its next checkpoint");
                await SaveAsync();
                await Queue.SignalCancelAsync(JobId);
                LogCancelled(JobId, "running");
                break;
        }

        return Details();
    }

    public async Task<JobAssignment?> StartAsync(string nodeId)
    {
        if (!Exists || State.State != JobState.Pending || State.Spec!.NodeId != nodeId)
        {
            return null;
        }

        // Opened before the job starts: a config no configured key opens fails the job with that
        // reason, here, instead of a node that cannot take its work.
        string config;
        try
        {
            config = SecretConfigMask.Transform(State.Spec.ConfigJson, cipher.Decrypt);
        }
        catch (CryptographicException)
        {
            AddLog(JobLogLevel.Error, UnreadableSecrets);
            End(JobState.Failed, UnreadableSecrets);
            await SaveAsync();
            await NotifyEndedAsync();
            LogUnreadable(JobId);
            return null;
        }

        var now = time.GetUtcNow();
        State.State = JobState.Running;
        State.Attempts++;
        State.StartedAt ??= now;
        State.LeaseHolder = nodeId;
        State.LeaseExpiresAt = now + LeaseDuration;
        State.Stages = [.. State.Stages.Select(stage => new JobStageInfo(stage.Name, StageStatus.Pending))];
        AddLog(JobLogLevel.Info, $"Started on node {nodeId} (attempt {CountedAttempts} of {State.Spec.MaxAttempts})");
        await SaveAsync();
        await WatchLeaseAsync();
        LogStarted(JobId, nodeId, State.Attempts);
        var spec = State.Spec;
        return new JobAssignment(JobId, State.Attempts, spec.Module, config, spec.ProviderId, LeaseDuration, State.CreatedAt);
    }

    public async Task<LeaseStatus> ReportAsync(string nodeId, int attempt, JobProgressReport report)
    {
        if (!HoldsLease(nodeId, attempt))
        {
            return LeaseStatus.Lost;
        }

        var stagesChanged = !State.Stages.Select(s => s.Status).SequenceEqual(report.Stages.Select(s => s.Status));
        ApplyReport(report);
        State.LeaseExpiresAt = time.GetUtcNow() + LeaseDuration;
        if (stagesChanged || report.NewLogEntries.Count > 0 || time.GetUtcNow() - _lastWrite > ProgressWriteInterval)
        {
            await SaveAsync();
        }
        else
        {
            // Progress is not written each time, but open pages show each report.
            PublishChange();
        }

        return State.CancelRequested ? LeaseStatus.CancelRequested : LeaseStatus.Active;
    }

    public async Task<LeaseStatus> FinishAsync(string nodeId, int attempt, JobOutcome outcome)
    {
        if (!HoldsLease(nodeId, attempt))
        {
            return await AcceptLateAsync(nodeId, attempt, outcome) ? LeaseStatus.Active : LeaseStatus.Lost;
        }

        if (!outcome.State.IsFinished())
        {
            throw new ArgumentException($"A run cannot finish as {outcome.State}.", nameof(outcome));
        }

        if (outcome.State == JobState.Cancelled && CheckedBundle is { } checkedBundle)
        {
            ApplyReport(outcome.Report);
            CompleteWith(checkedBundle, $"Node {nodeId} stopped for the cancel");
            await SaveAsync();
            LogFinished(JobId, JobState.Completed, nodeId);
            await NotifyEndedAsync();
            return LeaseStatus.Active;
        }

        if (outcome.State == JobState.Completed && outcome.Result is { } reported && await RefuseResultAsync(attempt, reported) is { } refusal)
        {
            // The master, not the node, says where a job's bundle goes and what is there: a key
            // outside the job's placement would let a node make retention delete what another
            // node stored, and a bundle the master never saw stored would be a backup in name only.
            LogResultRefused(JobId, nodeId, reported.ObjectKey);
            outcome = new JobOutcome(JobState.Failed, null, refusal, outcome.Report);
        }

        ApplyReport(outcome.Report);
        State.Result = outcome.State == JobState.Completed ? outcome.Result : null;
        var line = outcome.State switch
        {
            JobState.Completed => $"Completed: {outcome.Result?.ObjectKey} ({outcome.Result?.Size} bytes)",
            JobState.Cancelled => "Cancelled",
            _ => $"Failed: {outcome.Error}",
        };
        AddLog(outcome.State == JobState.Completed ? JobLogLevel.Info : JobLogLevel.Error, line);
        End(outcome.State, outcome.State == JobState.Failed ? outcome.Error ?? "The node reported a failure without a reason." : null);
        await SaveAsync();
        AbortLeftoverUploadSoon();
        LogFinished(JobId, outcome.State, nodeId);
        await NotifyEndedAsync();
        return LeaseStatus.Active;
    }

    public async Task MarkPrunedAsync()
    {
        if (Exists && State.PrunedAt is null)
        {
            State.PrunedAt = time.GetUtcNow();
            AddLog(JobLogLevel.Info, $"Bundle deleted by its schedule's retention: {State.Result?.ObjectKey}");
            await SaveAsync();
        }
    }

    public async Task<bool> ForgetAsync(DateTimeOffset endedBefore)
    {
        // Checked here, on the state itself, whatever the index said: a bundle still stored keeps its record.
        if (!Exists || State.State is JobState.Pending or JobState.Running || State.EndedAt is not { } ended || ended >= endedBefore
            || (State.Result is not null && State.PrunedAt is null))
        {
            return false;
        }

        // A restore's kept copy is still on its node: its record is how an admin finds, undoes or discards it.
        if (KeptCopies.Holds(Details()))
        {
            return false;
        }

        await job.ClearStateAsync();
        await index.RemoveAsync(JobId);
        _indexed = null;
        DeactivateOnIdle();
        return true;
    }

    public async Task<SecretsReencryption> ReencryptSecretsAsync()
    {
        // A finished job keeps no secrets (End masks its config).
        if (!Exists || State.State.IsFinished())
        {
            return SecretsReencryption.None;
        }

        var tokens = new SecretTokens(cipher);
        var config = SecretConfigMask.Transform(State.Spec!.ConfigJson, token => tokens.Reencrypt(token)!);
        if (tokens.Reencrypted > 0)
        {
            State.Spec = State.Spec with { ConfigJson = config };
            await SaveAsync();
        }

        return new SecretsReencryption(tokens.Reencrypted, tokens.Unreadable);
    }

    public Task<int> CountUnreadableSecretsAsync()
    {
        if (!Exists || State.State.IsFinished())
        {
            return Task.FromResult(0);
        }

        var tokens = new SecretTokens(cipher);
        SecretConfigMask.Transform(State.Spec!.ConfigJson, token => tokens.Check(token)!);
        return Task.FromResult(tokens.Unreadable);
    }

    public Task<bool> MayReleaseStorageAsync(string nodeId, int attempt, string providerId) =>
        Task.FromResult(HoldsLease(nodeId, attempt) && State.Spec!.ProviderId == providerId);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Activation already started the lease timer; a job that is no longer running needs no reminder.
        _reminderMayExist = true;
        return Exists && State.State == JobState.Running ? CheckLeaseAsync(CancellationToken.None) : StopWatchingLeaseAsync();
    }

    private INodeJobQueueGrain Queue => GrainFactory.GetGrain<INodeJobQueueGrain>(State.Spec!.NodeId);

    private bool HoldsLease(string nodeId, int attempt) =>
        Exists && State.State == JobState.Running && State.LeaseHolder == nodeId && State.Attempts == attempt;

    private void ApplyReport(JobProgressReport report)
    {
        if (report.Stages.Count > 0)
        {
            State.Stages = [.. report.Stages];
            // Kept for good: a later attempt starts its stages again, but what this swap replaced stays kept.
            if (State.SwappedAt is null && State.Spec?.Module == Modules.ModuleNames.Restore
                && report.Stages.FirstOrDefault(stage => stage.Name == Modules.RestoreKeptCopy.SwapStage) is { Status: StageStatus.Completed } swap)
            {
                State.SwappedAt = swap.EndedAt ?? time.GetUtcNow();
            }
        }

        foreach (var entry in report.NewLogEntries)
        {
            AddLog(entry);
        }
    }

    private async Task WatchLeaseAsync()
    {
        if (_leaseTimer is null)
        {
            var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, LeaseDuration.Ticks / 4));
            _leaseTimer = this.RegisterGrainTimer(CheckLeaseAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
        }

        await this.RegisterOrUpdateReminder(LeaseReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        _reminderMayExist = true;
    }

    private async Task StopWatchingLeaseAsync()
    {
        _leaseTimer?.Dispose();
        _leaseTimer = null;
        if (_reminderMayExist && await this.GetReminder(LeaseReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminderMayExist = false;
    }

    private async Task CheckLeaseAsync(CancellationToken cancellationToken)
    {
        if (!Exists || State.State != JobState.Running)
        {
            await StopWatchingLeaseAsync();
            return;
        }

        if (State.LeaseExpiresAt is { } expires && time.GetUtcNow() < expires)
        {
            return;
        }

        var holder = State.LeaseHolder;
        var reason = $"Node {holder} stopped reporting; its lease lapsed at {State.LeaseExpiresAt:u}";
        if (CheckedBundle is { } checkedBundle)
        {
            CompleteWith(checkedBundle, reason);
        }
        else if (State.CancelRequested)
        {
            AddLog(JobLogLevel.Warning, $"{reason}. The job was being cancelled, so it ends cancelled");
            End(JobState.Cancelled, error: null);
        }
        else if (CountedAttempts < State.Spec!.MaxAttempts)
        {
            AddLog(JobLogLevel.Warning, $"{reason}. Back in the queue for attempt {CountedAttempts + 1} of {State.Spec.MaxAttempts}");
            BackToQueue();
        }
        else
        {
            AddLog(JobLogLevel.Error, $"{reason}. No attempts left ({CountedAttempts} of {State.Spec.MaxAttempts})");
            End(JobState.Failed, $"{reason}, after {CountedAttempts} of {State.Spec.MaxAttempts} attempts.");
        }

        LogLeaseLapsed(JobId, holder, State.State);
        await SaveAsync();
        AbortLeftoverUploadSoon();
        if (State.State.IsFinished())
        {
            await NotifyEndedAsync();
        }

        if (State.State == JobState.Pending)
        {
            await Queue.EnqueueAsync(JobId, State.Spec!.Priority, State.CreatedAt);
        }
    }

    // A node that finished but could not say so before its lease lapsed (it, or the master, was
    // down) says so when it is back. The backup it made stands, rather than being made again,
    // while the master still holds that attempt's placement (no later attempt has placed a
    // bundle) and the result is what the master expects there.
    private async Task<bool> AcceptLateAsync(string nodeId, int attempt, JobOutcome outcome)
    {
        if (!Exists || State.Spec!.NodeId != nodeId || outcome.State != JobState.Completed || outcome.Result is not { } result
            || State.State is not (JobState.Pending or JobState.Running or JobState.Failed)
            || State.Bundle?.Attempt != attempt || attempt >= State.Attempts + (State.State == JobState.Running ? 0 : 1)
            || await RefuseResultAsync(attempt, result) is not null)
        {
            return false;
        }

        State.Result = result;
        AddLog(JobLogLevel.Info, $"Completed: {result.ObjectKey} ({result.Size} bytes), reported by node {nodeId} for attempt {attempt} after its lease had lapsed");
        End(JobState.Completed, error: null);
        await SaveAsync();
        LogLateOutcome(JobId, nodeId, attempt);
        await NotifyEndedAsync();
        return true;
    }

    public async Task<LeaseStatus> ReleaseAsync(string nodeId, int attempt, string reason, JobProgressReport report, bool keptWork)
    {
        if (!HoldsLease(nodeId, attempt))
        {
            return LeaseStatus.Lost;
        }

        ApplyReport(report);
        var why = $"Node {nodeId} stopped before the job ended ({reason})";
        if (CheckedBundle is { } checkedBundle)
        {
            CompleteWith(checkedBundle, why);
        }
        else if (State.CancelRequested)
        {
            AddLog(JobLogLevel.Warning, $"{why}. The job was being cancelled, so it ends cancelled");
            End(JobState.Cancelled, error: null);
        }
        else if (State.ReleasedAttempts < MaxUncountedReleases)
        {
            // A clean stop is not a failure of the job: the start is not counted, and nobody waits for a lease to lapse.
            State.ReleasedAttempts++;
            AddLog(JobLogLevel.Warning, $"{why}. Back in the queue at once; this start does not count against its {State.Spec!.MaxAttempts} attempt(s)");
            BackToQueue();
        }
        else if (CountedAttempts < State.Spec!.MaxAttempts)
        {
            AddLog(JobLogLevel.Warning, $"{why}. Back in the queue for attempt {CountedAttempts + 1} of {State.Spec.MaxAttempts} (it was handed back {MaxUncountedReleases} times already, so this start counts)");
            BackToQueue();
        }
        else
        {
            AddLog(JobLogLevel.Error, $"{why}. No attempts left ({CountedAttempts} of {State.Spec.MaxAttempts})");
            End(JobState.Failed, $"{why}, after {CountedAttempts} of {State.Spec.MaxAttempts} attempts.");
        }

        if (keptWork && State.State == JobState.Pending && State.Bundle is { } placed && placed.Attempt == attempt)
        {
            // The node comes back with the same bundle: its key and unfinished upload wait for it.
            State.Bundle = placed with { KeptForNextAttempt = true };
            AddLog(JobLogLevel.Info, $"The node kept the finished bundle to upload when the job runs again; the placement {placed.FullKey} is kept for it");
        }

        await SaveAsync();
        AbortLeftoverUploadSoon();
        if (State.State.IsFinished())
        {
            await NotifyEndedAsync();
        }
        else
        {
            await Queue.EnqueueAsync(JobId, State.Spec!.Priority, State.CreatedAt);
        }

        return LeaseStatus.Active;
    }

    // The master itself found this attempt's bundle stored and whole: the backup is done, whatever
    // became of the node before it could say so. Running it again would only store a second copy;
    // a cancel that comes after it has nothing left to stop, and ending cancelled would leave a
    // checked bundle in storage that no job points to and no retention ever removes.
    private BundleUploadRecord? CheckedBundle =>
        State.Bundle is { Verified: true, Size: not null, Sha256Hex: not null } bundle && bundle.Attempt == State.Attempts ? bundle : null;

    private void CompleteWith(BundleUploadRecord checkedBundle, string why)
    {
        var lateCancel = State.CancelRequested ? " (the cancel came too late to stop it)" : string.Empty;
        AddLog(JobLogLevel.Warning, $"{why}, after the master had checked its bundle at {checkedBundle.FullKey}. Completed with that bundle{lateCancel}");
        State.Result = new JobResult(checkedBundle.FullKey, checkedBundle.Size!.Value, checkedBundle.Sha256Hex!);
        End(JobState.Completed, error: null);
    }

    // Starts that count against maxAttempts: handed-back ones do not.
    private int CountedAttempts => State.Attempts - State.ReleasedAttempts;

    private void BackToQueue()
    {
        State.State = JobState.Pending;
        State.LeaseHolder = null;
        State.LeaseExpiresAt = null;
        State.Stages = [.. State.Stages.Select(stage => new JobStageInfo(stage.Name, StageStatus.Pending))];
    }

    // Retention runs after a scheduled job succeeds, and a verify job's outcome goes on the
    // record of the backup it checked; a failure in either must not fail the job.
    private async Task NotifyEndedAsync()
    {
        await NotifyVerifiedBackupAsync();
        await NotifyKeptCopyEndedAsync();
        if (State.Spec?.ScheduleId is not { } scheduleId)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IScheduleGrain>(scheduleId).JobFinishedAsync(JobId, State.State);
        }
        catch (Exception ex)
        {
            LogScheduleNotifyFailed(ex, JobId, scheduleId);
        }
    }

    private async Task NotifyVerifiedBackupAsync()
    {
        if (State.Spec is not { } spec || State.State is not (JobState.Completed or JobState.Failed)
            || !(spec.Module == Modules.ModuleNames.Verify || IsTestRestore(spec)) || Modules.Storage.BundleSource.In(spec.ConfigJson) is not { } bundle)
        {
            return;
        }

        try
        {
            var passed = State.State == JobState.Completed;
            var at = State.EndedAt ?? time.GetUtcNow();
            var backup = GrainFactory.GetGrain<IJobGrain>(bundle.JobId);
            if (spec.Module == Modules.ModuleNames.Verify)
            {
                await backup.RecordVerificationAsync(new BundleVerification(JobId, at, passed, passed ? null : State.Error));
            }
            else
            {
                // What the check stage said it checked, in its own words.
                var checks = string.Join(" ", State.Log.Select(line => line.Message).Where(message =>
                    message.StartsWith("WordPress loads:", StringComparison.Ordinal) || message.StartsWith("Restored and checked:", StringComparison.Ordinal)));
                await backup.RecordTestRestoreAsync(new RestoreReceipt(JobId, bundle.JobId, bundle.Key, at, passed, at - (State.StartedAt ?? at),
                    checks.Length == 0 ? null : checks, passed ? null : State.Error));
            }
        }
        catch (Exception ex)
        {
            LogVerificationNotifyFailed(ex, JobId, bundle.JobId);
        }
    }

    // An undo or discard that completed ended the copy its restore kept: the restore's record says so,
    // so it is no longer listed as kept (nor undone or discarded twice).
    private async Task NotifyKeptCopyEndedAsync()
    {
        // An undo that swapped has put the restore's copy back in the site, whatever came after; a
        // discard has removed all of it only once it completed.
        if (State.Spec is not { Module: Modules.ModuleNames.Restore } spec || Modules.RestoreKeptCopy.Ends(spec.ConfigJson) is not { } ends
            || !(ends.Undo ? State.SwappedAt is not null : State.State == JobState.Completed))
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IJobGrain>(ends.RestoreJobId).RecordKeptCopyEndedAsync(
                new KeptCopyEnd(JobId, ends.Undo, State.EndedAt ?? time.GetUtcNow()), spec.NodeId, Modules.RestoreKeptCopy.Site(spec.ConfigJson));
        }
        catch (Exception ex)
        {
            LogKeptCopyNotifyFailed(ex, JobId, ends.RestoreJobId);
        }
    }

    public async Task RecordKeptCopyEndedAsync(KeptCopyEnd ended, string nodeId, string? sitePath)
    {
        // Only a job on this restore's node and site ends its copy, whatever a config names.
        if (!Exists || State.KeptCopyEnded is not null || State.Spec!.NodeId != nodeId || Modules.RestoreKeptCopy.Site(State.Spec.ConfigJson) != sitePath)
        {
            return;
        }

        State.KeptCopyEnded = ended;
        AddLog(JobLogLevel.Info, ended.Undone
            ? $"What this restore kept was swapped back in by undo job {ended.ByJobId}"
            : $"What this restore kept was removed by job {ended.ByJobId}");
        await SaveAsync();
    }

    private static bool IsTestRestore(JobSpec spec) =>
        spec.Module == Modules.ModuleNames.Restore && System.Text.Json.Nodes.JsonNode.Parse(spec.ConfigJson)?["testRestore"]?.GetValue<bool>() == true;

    public async Task RecordTestRestoreAsync(RestoreReceipt receipt)
    {
        if (!Exists || (State.LastTestRestore is { } recorded && recorded.At > receipt.At))
        {
            return;
        }

        State.LastTestRestore = receipt;
        AddLog(receipt.Passed ? JobLogLevel.Info : JobLogLevel.Warning, receipt.Passed
            ? $"Test-restore job {receipt.RestoreJobId} restored this bundle into a scratch copy and checked it: {receipt.Checks}"
            : $"Test-restore job {receipt.RestoreJobId} could not restore this bundle: {receipt.Problem}");
        await SaveAsync();
        if (State.Spec?.ScheduleId is { } scheduleId)
        {
            await GrainFactory.GetGrain<Schedules.IScheduleGrain>(scheduleId).RecordTestRestoreAsync(receipt);
        }
    }

    public async Task RecordVerificationAsync(BundleVerification verification)
    {
        if (!Exists || (State.LastVerification is { } recorded && recorded.At > verification.At))
        {
            return;
        }

        State.LastVerification = verification;
        AddLog(verification.Passed ? JobLogLevel.Info : JobLogLevel.Warning, verification.Passed
            ? $"Verify job {verification.JobId} found the stored bundle whole"
            : $"Verify job {verification.JobId} did not find the stored bundle whole: {verification.Problem}");
        await SaveAsync();
    }

    private void End(JobState state, string? error)
    {
        // A finished job never runs again: its secrets need not be kept, even encrypted.
        State.Spec = State.Spec! with { ConfigJson = SecretConfigMask.Apply(State.Spec.ConfigJson) };
        State.State = state;
        State.EndedAt = time.GetUtcNow();
        State.Error = error;
        State.LeaseHolder = null;
        State.LeaseExpiresAt = null;
        State.Stages = [.. State.Stages.Select(stage => stage.Status is StageStatus.Pending or StageStatus.Running
            ? stage with { Status = state == JobState.Cancelled ? StageStatus.Cancelled : StageStatus.Skipped, EndedAt = stage.Status == StageStatus.Running ? State.EndedAt : stage.EndedAt }
            : stage)];
    }

    public async Task ReindexAsync()
    {
        if (Exists)
        {
            await index.UpsertAsync(_indexed = Summary(), StateVersion);
        }
        else
        {
            await index.RemoveAsync(JobId);
        }
    }

    // The state first, then its row: a crash in between leaves the row one version behind, which
    // JobIndexReconciler finds at the next start by comparing versions, and re-indexes.
    private async Task SaveAsync()
    {
        await job.WriteStateAsync();
        _lastWrite = time.GetUtcNow();
        // Progress alone (stages, log lines) changes nothing the index shows: no row to write.
        var summary = Summary();
        if (summary != _indexed)
        {
            await index.UpsertAsync(summary, StateVersion);
            _indexed = summary;
        }

        if (State.State != JobState.Running)
        {
            await StopWatchingLeaseAsync();
        }

        PublishChange();
    }

    private void PublishChange() => GrainFactory.PublishDashboardChange(DashboardTopic.Job, JobId);

    private void AddLog(JobLogLevel level, string message) => AddLog(new JobLogEntry(time.GetUtcNow(), level, message));

    private void AddLog(JobLogEntry entry)
    {
        State.Log.Add(entry);
        var excess = State.Log.Count - options.Value.MaxLogLines;
        if (excess > 0)
        {
            State.Log.RemoveRange(0, excess);
            State.LogLinesDropped += excess;
        }
    }

    private JobSummary Summary()
    {
        var spec = State.Spec!;
        return new JobSummary(JobId, spec.NodeId, spec.Module, spec.ProviderId, spec.Priority, State.State, State.CreatedAt, State.StartedAt, State.EndedAt, State.Error, State.Result, spec.ScheduleId, State.PrunedAt);
    }

    private JobDetails Details()
    {
        var spec = State.Spec!;
        return new JobDetails(JobId, spec.NodeId, spec.Module, SecretConfigMask.Apply(spec.ConfigJson), spec.ProviderId, spec.Priority, State.State,
            State.CreatedAt, State.StartedAt, State.EndedAt, State.Attempts, spec.MaxAttempts, State.CancelRequested,
            [.. State.Stages], [.. State.Log], State.Result, State.Error, spec.ScheduleId, State.PrunedAt, State.LastVerification, State.LastTestRestore, State.KeptCopyEnded, State.SwappedAt);
    }

    [LoggerMessage(LogLevel.Warning, "Job {JobId} could not record on restore job {RestoreJobId} that it ended the copy that restore kept")]
    private partial void LogKeptCopyNotifyFailed(Exception exception, string jobId, string restoreJobId);

    [LoggerMessage(LogLevel.Warning, "Verify job {JobId} could not record its outcome on backup job {BackupJobId}")]
    private partial void LogVerificationNotifyFailed(Exception exception, string jobId, string backupJobId);

    [LoggerMessage(LogLevel.Information, "Job {JobId} ({Module}) queued on node {NodeId} with priority {Priority}")]
    private partial void LogCreated(string jobId, string module, string nodeId, int priority);

    [LoggerMessage(LogLevel.Information, "Job {JobId} started on node {NodeId}, attempt {Attempt}")]
    private partial void LogStarted(string jobId, string nodeId, int attempt);

    [LoggerMessage(LogLevel.Information, "Job {JobId} cancelled while {Phase}")]
    private partial void LogCancelled(string jobId, string phase);

    [LoggerMessage(LogLevel.Error, "Job {JobId} failed before it started: no configured key opens its config's secrets")]
    private partial void LogUnreadable(string jobId);

    [LoggerMessage(LogLevel.Information, "Job {JobId} ended {State} on node {NodeId}")]
    private partial void LogFinished(string jobId, JobState state, string nodeId);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: could not tell schedule {ScheduleId} that it ended")]
    private partial void LogScheduleNotifyFailed(Exception exception, string jobId, string scheduleId);

    [LoggerMessage(LogLevel.Warning, "Refused the result of job {JobId} from node {NodeId}: bundle key {ObjectKey} is not the job's own")]
    private partial void LogResultRefused(string jobId, string nodeId, string objectKey);

    [LoggerMessage(LogLevel.Information, "Job {JobId}: took the late outcome of attempt {Attempt} from node {NodeId}; completed")]
    private partial void LogLateOutcome(string jobId, string nodeId, int attempt);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: node {NodeId} let its lease lapse; the job is now {State}")]
    private partial void LogLeaseLapsed(string jobId, string? nodeId, JobState state);
}
