using Backupd.Contracts.Jobs;
using Backupd.Modules;

namespace Backupd.Node.Jobs;

/// <summary>
/// The stages and new log lines of one run, updated by stages on any thread and read by the
/// reporter that sends them to the master every few seconds.
/// </summary>
public sealed class JobProgressTracker(IReadOnlyList<StageDefinition> stages, TimeProvider time)
{
    private const int MaxPendingLogLines = 200;
    private readonly Lock _gate = new();
    private readonly JobStageInfo[] _stages = [.. stages.Select(s => new JobStageInfo(s.Name, StageStatus.Pending))];
    private readonly List<JobLogEntry> _pendingLog = [];

    /// <summary>Marks a stage running.</summary>
    public void Start(int index) => Update(index, s => s with { Status = StageStatus.Running, StartedAt = time.GetUtcNow() });

    /// <summary>Marks a stage ended with <paramref name="status"/>.</summary>
    public void End(int index, StageStatus status, string? message = null) =>
        Update(index, s => s with
        {
            Status = status,
            StartedAt = s.StartedAt ?? (status == StageStatus.Skipped || status == StageStatus.Cancelled ? null : time.GetUtcNow()),
            EndedAt = time.GetUtcNow(),
            Progress = status == StageStatus.Completed ? 1 : s.Progress,
            Message = message ?? s.Message,
        });

    /// <summary>Records a stage's progress.</summary>
    public void Progress(int index, long bytesDone, long? bytesTotal, string? message) =>
        Update(index, s => s with
        {
            BytesDone = bytesDone,
            BytesTotal = bytesTotal ?? s.BytesTotal,
            Progress = (bytesTotal ?? s.BytesTotal) is { } total && total > 0 ? Math.Clamp((double)bytesDone / total, 0, 1) : s.Progress,
            Message = message ?? s.Message,
        });

    /// <summary>Adds a log line for the next report.</summary>
    public void Log(JobLogLevel level, string message)
    {
        lock (_gate)
        {
            // If the master is unreachable for long, keep the newest lines rather than grow without bound.
            if (_pendingLog.Count >= MaxPendingLogLines)
            {
                _pendingLog.RemoveAt(0);
            }

            _pendingLog.Add(new JobLogEntry(time.GetUtcNow(), level, message));
        }
    }

    /// <summary>The stages now and the log lines not yet sent.</summary>
    public JobProgressReport TakeReport()
    {
        lock (_gate)
        {
            var report = new JobProgressReport([.. _stages], [.. _pendingLog]);
            _pendingLog.Clear();
            return report;
        }
    }

    /// <summary>Puts log lines back after a report failed to reach the master.</summary>
    public void Restore(JobProgressReport report)
    {
        lock (_gate)
        {
            _pendingLog.InsertRange(0, report.NewLogEntries);
        }
    }

    private void Update(int index, Func<JobStageInfo, JobStageInfo> change)
    {
        lock (_gate)
        {
            _stages[index] = change(_stages[index]);
        }
    }
}

/// <summary>What a stage sees of the tracker.</summary>
internal sealed class StageReporter(JobProgressTracker tracker, int stageIndex) : IStageReporter
{
    public void Progress(long bytesDone, long? bytesTotal = null, string? message = null) => tracker.Progress(stageIndex, bytesDone, bytesTotal, message);

    public void Info(string message) => tracker.Log(JobLogLevel.Info, message);

    public void Warning(string message) => tracker.Log(JobLogLevel.Warning, message);
}
