namespace Backupd.Grains.Dashboard;

/// <summary>What kind of thing changed.</summary>
public enum DashboardTopic
{
    /// <summary>A job: its state, its progress, its log.</summary>
    Job = 0,

    /// <summary>A node: registered, approved, online, offline, disabled, deleted.</summary>
    Node = 1,

    /// <summary>A schedule: changed, ran, skipped, missed, pruned.</summary>
    Schedule = 2,
}

/// <summary>Something an open dashboard page may show changed; the page reads it again through the application layer.</summary>
/// <param name="Topic">What kind of thing.</param>
/// <param name="Id">Its id.</param>
[GenerateSerializer, Immutable, Alias("backupd.dashboard.DashboardChange")]
public sealed record DashboardChange([property: Id(0)] DashboardTopic Topic, [property: Id(1)] string Id);
