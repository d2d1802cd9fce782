namespace Backupd.Grains.Jobs;

/// <summary>How the master runs jobs.</summary>
public sealed class JobOptions
{
    /// <summary>
    /// How long a node holds a running job without reporting. A node reports every few
    /// seconds, so a lapse means it is gone; the job then goes back to its queue.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The most log lines kept per job; older lines are dropped first.</summary>
    public int MaxLogLines { get; set; } = 500;
}
