using System.Collections.Concurrent;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.NodeApi;
using Backupd.Modules;
using Backupd.Modules.Resources;
using Backupd.Node.Tuning;
using Backupd.Node.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Node.Jobs;

/// <summary>
/// Pulls this node's jobs from the master and runs up to <c>BACKUPD_MAX_JOBS</c> at once. It
/// pulls when the master signals new work and, in case a signal is lost, every few seconds.
/// </summary>
public sealed partial class JobRunner(
    MasterLink master,
    JobSignal signal,
    ModuleRegistry modules,
    ResourceManager resources,
    BundleStorageFactory storageFactory,
    IOptions<NodeOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan OutcomeRetryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeptWorkSweepInterval = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, JobExecution> _running = new();

    // Jobs taken and not yet over, counted when taken: a job started a moment ago is in it before
    // the loop asks for the next one, which _running (filled once the run has started) is not.
    private int _taken;
    private readonly ILogger _logger = loggers.CreateLogger<JobRunner>();

    /// <summary>Where work directories of running jobs live.</summary>
    public string WorkRoot => Path.Combine(options.Value.DataDir, "work");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        signal.Cancelled += OnCancelled;
        var interrupted = ClearLeftoverWork();
        var runs = new List<Task>();
        try
        {
            // Before any new work: a job this node finished may be back in its queue, and taking
            // it again would store its backup twice.
            var delivered = await DeliverPendingOutcomesAsync(stoppingToken);
            foreach (var done in interrupted.Where(job => delivered.Contains((job.JobId, job.Attempt))))
            {
                RemoveWork(Path.Combine(WorkRoot, done.JobId));
            }

            // Jobs a crash interrupted go back to the master now, not when their leases lapse;
            // a job whose bundle was kept resumes from it when it comes back.
            await HandBackAsync(interrupted.Where(job => !delivered.Contains((job.JobId, job.Attempt))), stoppingToken);
            var nextSweep = time.GetUtcNow() + KeptWorkSweepInterval;
            while (!stoppingToken.IsCancellationRequested)
            {
                runs.RemoveAll(task => task.IsCompleted);
                if (time.GetUtcNow() >= nextSweep)
                {
                    RemoveExpiredWork();
                    nextSweep = time.GetUtcNow() + KeptWorkSweepInterval;
                }

                if (Volatile.Read(ref _taken) < options.Value.MaxJobs && await TryTakeJobAsync(stoppingToken) is ({ } assignment, var nodeId))
                {
                    Interlocked.Increment(ref _taken);
                    runs.Add(StartAsync(assignment, nodeId, stoppingToken));
                    continue;
                }

                await signal.WaitForWorkAsync(PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            signal.Cancelled -= OnCancelled;
            await Task.WhenAll(runs);
        }
    }

    private async Task<HashSet<(string JobId, int Attempt)>> DeliverPendingOutcomesAsync(CancellationToken stoppingToken)
    {
        var delivered = new HashSet<(string JobId, int Attempt)>();
        foreach (var pending in Outcomes.Pending((file, reason) => LogOutcomeUnreadable(file, reason)))
        {
            delivered.Add((pending.JobId, pending.Attempt));
            while (true)
            {
                try
                {
                    var link = await master.WaitAsync(stoppingToken);
                    var status = await link.Api.FinishJobAsync(pending.JobId, pending.Attempt, pending.Outcome, stoppingToken);
                    LogOutcomeDelivered(pending.JobId, pending.Attempt, pending.Outcome.State, status == LeaseStatus.Lost ? "the master had moved on" : "the master took it");
                    Outcomes.Forget(pending.JobId, pending.Attempt);
                    break;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested && MasterLink.IsMasterAway(ex))
                {
                    await Task.Delay(OutcomeRetryInterval, time, stoppingToken);
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or HttpRequestException)
                {
                    LogOutcomeDelivered(pending.JobId, pending.Attempt, pending.Outcome.State, $"the master refused it: {ex.Message}");
                    Outcomes.Forget(pending.JobId, pending.Attempt);
                    break;
                }
            }
        }

        return delivered;
    }

    private async Task HandBackAsync(IEnumerable<InterruptedRun> interrupted, CancellationToken stoppingToken)
    {
        foreach (var (jobId, attempt, kept) in interrupted)
        {
            while (true)
            {
                try
                {
                    var link = await master.WaitAsync(stoppingToken);
                    var status = await link.Api.ReleaseJobAsync(jobId, attempt, "the node restarted after it stopped unexpectedly", new JobProgressReport([], []), kept, stoppingToken);
                    LogHandedBack(jobId, attempt, status == LeaseStatus.Lost ? "the master had moved on" : kept ? "the master queues it again at once, and it resumes from the bundle kept" : "the master queues it again at once");
                    if (kept)
                    {
                        ForgetAttempt(jobId);
                    }

                    break;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested && MasterLink.IsMasterAway(ex))
                {
                    await Task.Delay(OutcomeRetryInterval, time, stoppingToken);
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or HttpRequestException)
                {
                    LogHandedBack(jobId, attempt, $"the master refused: {ex.Message}");
                    break;
                }
            }
        }
    }

    private OutcomeStore Outcomes => new(options.Value.DataDir);

    private async Task<(JobAssignment? Assignment, string NodeId)> TryTakeJobAsync(CancellationToken stoppingToken)
    {
        if (!master.IsConnected)
        {
            return (null, "");
        }

        try
        {
            var link = await master.WaitAsync(stoppingToken);
            return (await link.Api.TakeJobAsync(stoppingToken), link.NodeId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTakeFailed(ex.Message);
            return (null, "");
        }
    }

    private async Task StartAsync(JobAssignment assignment, string nodeId, CancellationToken stoppingToken)
    {
        try
        {
            // Yield so the loop can pull the next job while this one starts.
            await Task.Yield();
            if (modules.Find(assignment.Module) is not { } module)
            {
                await RefuseUnknownModuleAsync(assignment, stoppingToken);
                return;
            }

            var execution = new JobExecution(assignment, nodeId, module, master, resources, storageFactory, WorkRoot, Outcomes, options.Value.MasterWait, time, loggers.CreateLogger<JobExecution>());
            _running[assignment.JobId] = execution;
            try
            {
                await execution.RunAsync(stoppingToken);
            }
            finally
            {
                _running.TryRemove(assignment.JobId, out _);
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _taken) == 0)
            {
                IdleMemory.Release();
            }

            // A slot is free: look for more work at once.
            signal.Receive(NodeSignals.Work, string.Empty);
        }
    }

    private async Task RefuseUnknownModuleAsync(JobAssignment assignment, CancellationToken stoppingToken)
    {
        var error = $"This node has no module named '{assignment.Module}' (it has: {string.Join(", ", modules.All.Select(m => m.Name))}). Upgrade backupd on the node.";
        LogUnknownModule(assignment.JobId, assignment.Module);
        var link = await master.WaitAsync(stoppingToken);
        await link.Api.FinishJobAsync(assignment.JobId, assignment.Attempt, new JobOutcome(JobState.Failed, null, error, new JobProgressReport([], [])), stoppingToken);
    }

    private void OnCancelled(string jobId)
    {
        if (_running.TryGetValue(jobId, out var execution))
        {
            execution.RequestCancel();
        }
    }

    // Work dirs left by a crash: a run that kept finished work (a bundle) to resume from keeps
    // it, for a day; any other belongs to a run the master has since given up on or re-queued.
    // Returns the runs a crash interrupted, from the marker each run leaves in its work directory.
    private List<InterruptedRun> ClearLeftoverWork()
    {
        var interrupted = new List<InterruptedRun>();
        if (!Directory.Exists(WorkRoot))
        {
            return interrupted;
        }

        foreach (var leftover in Directory.EnumerateDirectories(WorkRoot))
        {
            var attempt = JobExecution.ReadAttemptMarker(leftover);
            var kept = KeepsWork(leftover);
            if (attempt is { } interruptedAttempt)
            {
                interrupted.Add(new InterruptedRun(Path.GetFileName(leftover), interruptedAttempt, kept));
            }

            if (kept)
            {
                LogWorkKept(leftover);
            }
            else
            {
                RemoveWork(leftover);
            }
        }

        return interrupted;
    }

    // Work kept for a job that never came back to use it (cancelled, finished another way). Only
    // looked at, never pruned: a job may be starting in its directory this very moment, and a
    // directory written to within the lifetime is left alone.
    private void RemoveExpiredWork()
    {
        if (!Directory.Exists(WorkRoot))
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(WorkRoot))
        {
            var expired = time.GetUtcNow() - Directory.GetLastWriteTimeUtc(directory) > JobExecution.KeptWorkLifetime
                && (ResumeCheckpoint.Read(directory) is not { } checkpoint || time.GetUtcNow() - checkpoint.WrittenAt > JobExecution.KeptWorkLifetime);
            if (expired && !_running.ContainsKey(Path.GetFileName(directory)))
            {
                RemoveWork(directory);
            }
        }
    }

    // At start, nothing runs yet: what a checkpoint does not name goes.
    private bool KeepsWork(string directory)
    {
        try
        {
            return ResumeCheckpoint.PruneAround(directory) is { } checkpoint && time.GetUtcNow() - checkpoint.WrittenAt <= JobExecution.KeptWorkLifetime;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void RemoveWork(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
            LogLeftoverRemoved(directory);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogLeftoverNotRemoved(directory, ex.Message);
        }
    }

    // The kept work stays for the next attempt; this one is handed back and must not be again.
    private void ForgetAttempt(string jobId)
    {
        try
        {
            JobExecution.ForgetAttemptMarker(Path.Combine(WorkRoot, jobId));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Handing it back again at the next start only earns a "moved on" answer.
        }
    }

    private sealed record InterruptedRun(string JobId, int Attempt, bool Kept);

    [LoggerMessage(LogLevel.Information, "Kept the finished work in {Path} for its job's next attempt to resume from")]
    private partial void LogWorkKept(string path);

    [LoggerMessage(LogLevel.Information, "Job {JobId}: handed attempt {Attempt}, which a crash of this node interrupted, back to the master; {Answer}")]
    private partial void LogHandedBack(string jobId, int attempt, string answer);

    [LoggerMessage(LogLevel.Information, "Job {JobId}: delivered the outcome ({State}) of attempt {Attempt} kept from an earlier run; {Answer}")]
    private partial void LogOutcomeDelivered(string jobId, int attempt, JobState state, string answer);

    [LoggerMessage(LogLevel.Warning, "Could not read the kept outcome {File} ({Reason}); left where it is")]
    private partial void LogOutcomeUnreadable(string file, string reason);

    [LoggerMessage(LogLevel.Debug, "Could not take a job from the master: {Reason}")]
    private partial void LogTakeFailed(string reason);

    [LoggerMessage(LogLevel.Error, "Job {JobId} needs module {Module}, which this node does not have")]
    private partial void LogUnknownModule(string jobId, string module);

    [LoggerMessage(LogLevel.Information, "Removed the work directory {Path} left by an earlier run")]
    private partial void LogLeftoverRemoved(string path);

    [LoggerMessage(LogLevel.Warning, "Could not remove the leftover work directory {Path}: {Reason}")]
    private partial void LogLeftoverNotRemoved(string path, string reason);
}
