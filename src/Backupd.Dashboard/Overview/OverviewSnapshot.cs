using Backupd.Contracts.Jobs;
using Backupd.Contracts.Nodes;
using Backupd.Contracts.Schedules;
using Backupd.Contracts.Storage;
using Backupd.Grains.Jobs;
using MudBlazor;

namespace Backupd.Dashboard.Overview;

/// <summary>What the overview shows, read at one moment.</summary>
public sealed record OverviewSnapshot(
    int Online,
    int Offline,
    int Pending,
    int Succeeded,
    int Failed,
    IReadOnlyList<JobDetails> Running,
    IReadOnlyList<JobSummary> Failures,
    IReadOnlyDictionary<string, string> NodeNames,
    IReadOnlyList<StorageProviderSummary> Providers,
    IReadOnlyList<StoredBundles> Stored,
    IReadOnlyList<ScheduleRow> Schedules,
    ScheduleDetails? NextRun)
{
    /// <summary>Nothing read yet.</summary>
    public static OverviewSnapshot Empty { get; } = new(0, 0, 0, 0, 0, [], [], new Dictionary<string, string>(), [], [], [], null);

    /// <summary>Schedules more than 15 minutes late.</summary>
    public int Overdue => Schedules.Count(row => row.Status == ScheduleRow.OverdueStatus);

    /// <summary>A node's host name, or its id when it is gone.</summary>
    public string NodeName(string id) => NodeNames.GetValueOrDefault(id) ?? id;
}

/// <summary>One schedule's line on the overview.</summary>
public sealed record ScheduleRow(ScheduleDetails Schedule, JobSummary? LastSuccess, int Versions, string Status, Color Colour)
{
    /// <summary>The status of a schedule whose run is late.</summary>
    public const string OverdueStatus = "overdue";

    // A schedule counts as overdue when its run is this late: the master starts runs within seconds.
    private static readonly TimeSpan Overdue = TimeSpan.FromMinutes(15);

    /// <summary>The line of <paramref name="schedule"/> at <paramref name="now"/>.</summary>
    public static ScheduleRow Of(ScheduleDetails schedule, JobSummary? lastSuccess, int versions, DateTimeOffset now)
    {
        var (status, colour) = schedule switch
        {
            { Definition.Enabled: false } => ("disabled", Color.Default),
            { NextRunAt: { } next } when now - next > Overdue => (OverdueStatus, Color.Warning),
            { LastJobState: JobState.Failed or JobState.Cancelled } => ("last run failed", Color.Error),
            { LastJobState: JobState.Running or JobState.Pending } => ("running", Color.Info),
            { LastJobState: JobState.Completed } => ("ok", Color.Success),
            _ => ("not run yet", Color.Default),
        };
        return new ScheduleRow(schedule, lastSuccess, versions, status, colour);
    }
}
