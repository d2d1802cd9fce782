using System.Reflection;
using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Modules;
using Backupd.Modules.Resources;
using Backupd.Modules.Storage;
using Microsoft.Extensions.Logging;

namespace Backupd.Node.Jobs;

/// <summary>
/// Runs one job on this node: its module's stages in order in a work directory of its own,
/// reporting to the master (which renews the lease) every few seconds, stopping at the next
/// checkpoint when cancelled, and always removing the work directory.
/// </summary>
public sealed partial class JobExecution(
    JobAssignment assignment,
    string nodeId,
    BackupModule module,
    MasterLink master,
    ResourceManager resources,
    BundleStorageFactory storageFactory,
    string workRoot,
    OutcomeStore outcomes,
    TimeSpan masterWait,
    TimeProvider time,
    ILogger logger)
{
    private static readonly TimeSpan MaxReportInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(5);
    private const string AttemptMarker = ResumeCheckpoint.NodeFilePrefix + "attempt";

    /// <summary>How long work an interrupted run kept (a finished bundle) may be resumed from, and is kept on disk.</summary>
    public static readonly TimeSpan KeptWorkLifetime = TimeSpan.FromDays(1);

    // A store or network that keeps failing past a request's own retries (about 15 s) gets four
    // more chances over about four minutes before the job fails: a restart or a short outage of
    // the store is ridden out, a long one still fails the job while it can say why.
    private static readonly TimeSpan[] TransientRetryDelays = [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120)];
    private readonly CancellationTokenSource _stop = new();
    private readonly JobProgressTracker _tracker = new(module.Stages, time);
    private volatile bool _cancelRequested;
    private volatile bool _leaseLost;
    private bool _keptWork;
    private readonly SemaphoreSlim _storageGate = new(1, 1);
    private IBundleStorage? _storage;

    /// <summary>The job this runs.</summary>
    public string JobId => assignment.JobId;

    /// <summary>The attempt a run left in <paramref name="workDirectory"/> when it started; null when there is none.</summary>
    public static int? ReadAttemptMarker(string workDirectory)
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(workDirectory, AttemptMarker)), System.Globalization.CultureInfo.InvariantCulture, out var attempt) ? attempt : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Removes the attempt marker from <paramref name="workDirectory"/> once the attempt was handed
    /// back, so the next start does not hand it back again; the kept work stays.
    /// </summary>
    public static void ForgetAttemptMarker(string workDirectory) => File.Delete(Path.Combine(workDirectory, AttemptMarker));

    /// <summary>Stops the run at its next checkpoint because an admin cancelled it.</summary>
    public void RequestCancel()
    {
        _cancelRequested = true;
        _stop.Cancel();
    }

    /// <summary>Runs the job to its end; never throws for a job failure.</summary>
    public async Task RunAsync(CancellationToken nodeStopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, nodeStopping);
        var workDirectory = Path.Combine(workRoot, assignment.JobId);
        using var reporting = CancellationTokenSource.CreateLinkedTokenSource(nodeStopping);
        var reporter = ReportLoopAsync(reporting.Token);
        LogStarting(assignment.JobId, assignment.Module, assignment.Attempt);

        var (result, error) = await RunStagesAsync(workDirectory, nodeStopping, linked.Token);

        await reporting.CancelAsync();
        await reporter;
        if (_leaseLost)
        {
            LogLeaseLost(assignment.JobId);
            return;
        }

        if (nodeStopping.IsCancellationRequested && !_cancelRequested && result is null)
        {
            await ReleaseAsync();
            return;
        }

        var state = _cancelRequested ? JobState.Cancelled : error is null ? JobState.Completed : JobState.Failed;
        var jobResult = result is null ? null : new JobResult(result.Key, result.Size, result.Sha256Hex);
        await FinishAsync(new JobOutcome(state, state == JobState.Completed ? jobResult : null, state == JobState.Failed ? error : null, _tracker.TakeReport()), nodeStopping);
        LogFinished(assignment.JobId, state, error);
    }

    private async Task<(StoredBundleInfo? Result, string? Error)> RunStagesAsync(string workDirectory, CancellationToken nodeStopping, CancellationToken cancellationToken)
    {
        string? error = null;
        ModuleRun? run = null;
        var startedAt = time.GetUtcNow();
        var stages = module.Stages;
        var resumeAt = 0;
        try
        {
            var kept = TakeKeptWork(workDirectory);
            Directory.CreateDirectory(workDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // Read back at the next start if this run never ends: the node then hands the job back at once.
            File.WriteAllText(Path.Combine(workDirectory, AttemptMarker), assignment.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var config = JsonDocument.Parse(assignment.ConfigJson);
            run = module.CreateRun(config.RootElement);
            if (kept is not null)
            {
                resumeAt = Resume(run, kept, workDirectory);
                startedAt = resumeAt > 0 ? kept.WrittenAt : startedAt;
            }
        }
        catch (Exception ex) when (ex is ModuleConfigException or JsonException or IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
        }

        error = await StageRunner.RunAsync(run, stages, (index, stageToken) => new StageContext
        {
            JobId = assignment.JobId,
            NodeId = nodeId,
            StageName = stages[index].Name,
            WorkDirectory = workDirectory,
            Resources = resources,
            Reporter = new StageReporter(_tracker, index),
            OpenStorageAsync = ct => OpenStorageOnceAsync(ct),
            PlaceBundleAsync = PlaceBundleAsync,
            TransientRetryDelays = TransientRetryDelays,
            Time = time,
            RunStartedAt = startedAt,
            BackupdVersion = Version,
            Interrupted = () => run?.Result is null && Interrupted(nodeStopping),
            CancellationToken = stageToken,
        }, new TrackerObserver(this, stages), error, resumeAt, cancellationToken);

        var result = run?.Result;
        if (run is not null)
        {
            try
            {
                await run.DisposeAsync();
            }
            catch (Exception ex)
            {
                // The run's stages are over and their outcome stands; a failure to free what it
                // held (a file on a full disk) must not keep the job from being reported.
                _tracker.Log(JobLogLevel.Warning, $"Releasing the {assignment.Module} run failed: {ex.Message}");
            }
        }

        (_storage as IDisposable)?.Dispose();

        if (error is null && result is null && Interrupted(nodeStopping) && ResumeCheckpoint.Read(workDirectory) is { } checkpoint)
        {
            // The next attempt of this job, on this node, goes on from here.
            _keptWork = true;
            LogWorkKept(assignment.JobId, checkpoint.Stage);
        }
        else
        {
            RemoveWorkDirectory(workDirectory);
        }

        return (error is null && !cancellationToken.IsCancellationRequested ? result : null, error);
    }

    // Stopped without failing or being cancelled: by the node going down, or by losing the job.
    private bool Interrupted(CancellationToken nodeStopping) => _leaseLost || (nodeStopping.IsCancellationRequested && !_cancelRequested);

    // What an interrupted earlier attempt of this job left in its work directory: the checkpoint
    // when it is recent enough to go on from; otherwise the directory is emptied.
    private ResumeCheckpoint? TakeKeptWork(string workDirectory)
    {
        if (!Directory.Exists(workDirectory))
        {
            return null;
        }

        var checkpoint = ResumeCheckpoint.PruneAround(workDirectory);
        if (checkpoint is not null && time.GetUtcNow() - checkpoint.WrittenAt <= KeptWorkLifetime)
        {
            return checkpoint;
        }

        Directory.Delete(workDirectory, recursive: true);
        return null;
    }

    private int Resume(ModuleRun run, ResumeCheckpoint kept, string workDirectory)
    {
        var stages = module.Stages;
        var index = stages.Select(stage => stage.Name).ToList().IndexOf(kept.Stage);
        if (index > 0 && run.TryResume(kept, workDirectory))
        {
            _tracker.Log(JobLogLevel.Info, $"Resuming at {kept.Stage}: an earlier attempt finished {string.Join(", ", stages.Take(index).Select(s => s.Name))} at {kept.WrittenAt:u} and this node kept its work; those stages are not run again");
            LogResuming(assignment.JobId, kept.Stage);
            return index;
        }

        _tracker.Log(JobLogLevel.Warning, $"The work an earlier attempt kept (up to {kept.Stage}) could not be used; starting from the beginning");
        ResumeCheckpoint.EmptyDirectory(workDirectory, name => name == AttemptMarker);
        return 0;
    }

    // Stages may run together, so the first to ask opens the storage and the others share it.
    private async Task<IBundleStorage> OpenStorageOnceAsync(CancellationToken cancellationToken)
    {
        await _storageGate.WaitAsync(cancellationToken);
        try
        {
            return _storage ??= await OpenStorageAsync(cancellationToken);
        }
        finally
        {
            _storageGate.Release();
        }
    }

    // The stages' calls to the master wait out a master that is away (BACKUPD_MASTER_WAIT)
    // rather than failing the job it would have let go on.
    private async Task<IBundleStorage> OpenStorageAsync(CancellationToken cancellationToken)
    {
        var settings = await master.CallAsync((api, ct) => api.GetJobStorageAsync(assignment.JobId, assignment.Attempt, assignment.ProviderId, ct), masterWait, time, cancellationToken, MasterAway);
        return storageFactory.Create(settings, new MasterUploadGrants(master, assignment.JobId, assignment.Attempt, masterWait, time, MasterAway), nodeId);
    }

    private async Task<string> PlaceBundleAsync(string site, string sha256Hex, CancellationToken cancellationToken) =>
        (await master.CallAsync((api, ct) => api.PlaceBundleAsync(assignment.JobId, assignment.Attempt, site, sha256Hex, ct), masterWait, time, cancellationToken, MasterAway)).Key;

    private void MasterAway(string reason)
    {
        LogWaitingForMaster(assignment.JobId, reason);
        _tracker.Log(JobLogLevel.Warning, $"The master could not be reached ({reason}); waiting for the master, for up to {masterWait.TotalMinutes:0.#} minutes, then going on where the job was");
    }

    private async Task ReportLoopAsync(CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromTicks(Math.Min(MaxReportInterval.Ticks, assignment.LeaseDuration.Ticks / 3));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var report = _tracker.TakeReport();
            try
            {
                var link = await master.WaitAsync(cancellationToken).WaitAsync(interval, time, cancellationToken);
                var status = await link.Api.ReportJobAsync(assignment.JobId, assignment.Attempt, report, cancellationToken);
                if (status == LeaseStatus.CancelRequested && !_cancelRequested)
                {
                    RequestCancel();
                }
                else if (status == LeaseStatus.Lost)
                {
                    _leaseLost = true;
                    await _stop.CancelAsync();
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The master is away: keep the lines for the next report; the lease tells whether the job is still ours.
                _tracker.Restore(report);
                LogReportFailed(assignment.JobId, ex.Message);
            }
            catch (OperationCanceledException)
            {
                _tracker.Restore(report);
                return;
            }
        }
    }

    // The node is stopping: the job goes back to the master unfinished, within the little time a
    // service manager gives a stopping process, so that it runs again at once and the start is
    // not counted. If the master cannot be told in time, its lease lapses as after a crash.
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(ReleaseTimeout, time);
        try
        {
            var link = await master.WaitAsync(timeout.Token);
            await link.Api.ReleaseJobAsync(assignment.JobId, assignment.Attempt, "the node is shutting down", _tracker.TakeReport(), _keptWork, timeout.Token);
            if (_keptWork)
            {
                // Handed back: the next start must not hand this attempt back again.
                ForgetAttemptMarker(Path.Combine(workRoot, assignment.JobId));
            }

            LogReleased(assignment.JobId);
        }
        catch (Exception ex)
        {
            LogInterruptedByShutdown(assignment.JobId, ex.Message);
        }
    }

    private async Task FinishAsync(JobOutcome outcome, CancellationToken nodeStopping)
    {
        // On disk first: if the node or the master goes down before the master has it, the node
        // delivers it when it starts again, and a finished backup is not run a second time.
        try
        {
            await outcomes.KeepAsync(new PendingOutcome(assignment.JobId, assignment.Attempt, outcome), CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogOutcomeNotKept(assignment.JobId, ex.Message);
        }

        // A master that restarts gives running jobs a full lease when it is back: the outcome is
        // worth waiting for it as long as the stages would have.
        var budget = masterWait > assignment.LeaseDuration ? masterWait : assignment.LeaseDuration;
        try
        {
            if (await master.CallAsync((api, ct) => api.FinishJobAsync(assignment.JobId, assignment.Attempt, outcome, ct), budget, time, nodeStopping) == LeaseStatus.Lost)
            {
                LogLeaseLost(assignment.JobId);
            }

            outcomes.Forget(assignment.JobId, assignment.Attempt);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || (ex is HttpRequestException { StatusCode: { } status } && (int)status < 500))
        {
            // An answer, if a refusal: nothing to deliver again.
            outcomes.Forget(assignment.JobId, assignment.Attempt);
            LogFinishRefused(assignment.JobId, ex.Message);
        }
        catch (Exception ex)
        {
            // Stopped, or the master away longer than the node waits: kept on disk for the next start.
            LogFinishLost(assignment.JobId, ex.Message);
        }
    }

    private void RemoveWorkDirectory(string workDirectory)
    {
        try
        {
            if (Directory.Exists(workDirectory))
            {
                Directory.Delete(workDirectory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _tracker.Log(JobLogLevel.Warning, $"Could not remove the work directory {workDirectory}: {ex.Message}");
        }
    }

    /// <summary>Turns stage starts and ends into the progress the master sees, and failures into the node's log.</summary>
    private sealed class TrackerObserver(JobExecution execution, IReadOnlyList<StageDefinition> stages) : IStageObserver
    {
        public void Started(int index) => execution._tracker.Start(index);

        public void Ended(int index, StageOutcome outcome, string? message)
        {
            var tracker = execution._tracker;
            switch (outcome)
            {
                case StageOutcome.Completed:
                    tracker.End(index, StageStatus.Completed, message);
                    break;
                case StageOutcome.Failed:
                    tracker.End(index, StageStatus.Failed, message);
                    tracker.Log(JobLogLevel.Error, $"{stages[index].Name} failed: {message}");
                    break;
                case StageOutcome.Cancelled:
                    tracker.End(index, StageStatus.Cancelled, message ?? (execution._cancelRequested ? "Cancelled" : "Stopped"));
                    break;
                default:
                    tracker.End(index, execution._cancelRequested ? StageStatus.Cancelled : StageStatus.Skipped);
                    break;
            }
        }

        public void Faulted(int index, Exception exception) => execution.LogStageFailed(exception, execution.JobId, stages[index].Name);
    }

    private static string Version { get; } =
        typeof(JobExecution).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    [LoggerMessage(LogLevel.Information, "Job {JobId}: resuming at stage {Stage} with the work an earlier attempt kept")]
    private partial void LogResuming(string jobId, string stage);

    [LoggerMessage(LogLevel.Information, "Job {JobId}: interrupted; its work up to stage {Stage} is kept for the job's next attempt")]
    private partial void LogWorkKept(string jobId, string stage);

    [LoggerMessage(LogLevel.Information, "Job {JobId}: running module {Module}, attempt {Attempt}")]
    private partial void LogStarting(string jobId, string module, int attempt);

    [LoggerMessage(LogLevel.Information, "Job {JobId} ended {State} {Error}")]
    private partial void LogFinished(string jobId, JobState state, string? error);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: stage {Stage} failed")]
    private partial void LogStageFailed(Exception exception, string jobId, string stage);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: this node no longer holds the job (its lease lapsed); stopped without reporting")]
    private partial void LogLeaseLost(string jobId);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: interrupted by shutdown and could not hand it back ({Reason}); the master runs it again when its lease lapses")]
    private partial void LogInterruptedByShutdown(string jobId, string reason);

    [LoggerMessage(LogLevel.Information, "Job {JobId}: interrupted by shutdown and handed back to the master, which queues it again at once")]
    private partial void LogReleased(string jobId);

    [LoggerMessage(LogLevel.Debug, "Job {JobId}: could not report to the master: {Reason}")]
    private partial void LogReportFailed(string jobId, string reason);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: waiting for the master, which could not be reached: {Reason}")]
    private partial void LogWaitingForMaster(string jobId, string reason);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: the master refused its outcome: {Reason}")]
    private partial void LogFinishRefused(string jobId, string reason);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: could not keep its outcome on disk before reporting it: {Reason}")]
    private partial void LogOutcomeNotKept(string jobId, string reason);

    [LoggerMessage(LogLevel.Error, "Job {JobId}: could not tell the master how it ended yet ({Reason}); the node tells it when it starts again")]
    private partial void LogFinishLost(string jobId, string reason);
}
