using Backupd.Contracts.Jobs;
using Backupd.Contracts.Nodes;
using Backupd.Dashboard.Components.Shared;
using Backupd.Master.Application.Jobs;
using Backupd.Master.Application.Nodes;
using Backupd.Master.Application.Providers;
using Backupd.Master.Application.Schedules;

namespace Backupd.Dashboard.Overview;

/// <summary>
/// The overview's reads, shared by every open overview on this silo: at most one read a second
/// however many are open, and a page never gets a read that began before a change it was told
/// of. Without this each open overview made its own dozen queries on every change, and twenty
/// of them kept the master busy while jobs reported.
/// </summary>
public sealed class OverviewReads
{
    private readonly NodeService _nodes;
    private readonly JobService _jobs;
    private readonly ScheduleService _schedules;
    private readonly ProviderService _providers;
    private readonly TimeProvider _time;
    private readonly SharedRead<OverviewSnapshot> _shared;

    public OverviewReads(NodeService nodes, JobService jobs, ScheduleService schedules, ProviderService providers, DashboardFeed feed, TimeProvider time)
    {
        (_nodes, _jobs, _schedules, _providers, _time) = (nodes, jobs, schedules, providers, time);
        // Some of it moves with the clock alone (the last 24 h, overdue runs): a page opened later than 10 s after a read gets a new one.
        _shared = new SharedRead<OverviewSnapshot>(_ => ReadNowAsync(), () => feed.Changes, time, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
    }

    /// <summary>A snapshot read after every change this silo had heard of when it was asked for.</summary>
    public Task<OverviewSnapshot> GetAsync() => _shared.GetAsync();

    private async Task<OverviewSnapshot> ReadNowAsync()
    {
        var now = _time.GetUtcNow();
        var all = (await _nodes.ListAsync(null)).Value ?? [];
        var dayAgo = now.AddDays(-1);
        var running = new List<JobDetails>();
        foreach (var job in (await _jobs.ListAsync(null, new JobQuery(State: JobState.Running, Limit: 10))).Value?.Items ?? [])
        {
            if ((await _jobs.GetAsync(job.Id)).Value is { } detail)
            {
                running.Add(detail);
            }
        }

        var stored = await _jobs.StoredBundlesAsync();
        var scheduleList = await _schedules.ListAsync();
        var lastSuccess = await _jobs.LastSuccessPerScheduleAsync([.. scheduleList.Select(schedule => schedule.Id)]);
        return new OverviewSnapshot(
            Online: all.Count(node => node.Status == NodeStatus.Active && node.Online),
            Offline: all.Count(node => node.Status == NodeStatus.Active && !node.Online),
            Pending: all.Count(node => node.Status == NodeStatus.Pending),
            Succeeded: await _jobs.CountAsync(new JobQuery(State: JobState.Completed, CreatedFrom: dayAgo)),
            Failed: await _jobs.CountAsync(new JobQuery(State: JobState.Failed, CreatedFrom: dayAgo)),
            Running: running,
            Failures: (await _jobs.ListAsync(null, new JobQuery(State: JobState.Failed, Limit: 5))).Value?.Items ?? [],
            NodeNames: all.ToDictionary(node => node.Id, node => node.Hostname, StringComparer.Ordinal),
            Providers: await _providers.ListAsync(),
            Stored: stored,
            Schedules: [.. scheduleList.Select(schedule => ScheduleRow.Of(schedule, lastSuccess.GetValueOrDefault(schedule.Id),
                stored.Where(s => s.ScheduleId == schedule.Id).Sum(s => s.Count), now))],
            NextRun: scheduleList.Where(s => s.Definition.Enabled && s.NextRunAt is not null).MinBy(s => s.NextRunAt));
    }
}
