using Backupd.Contracts.Jobs;
using Orleans.Concurrency;

namespace Backupd.Grains.Jobs;

/// <summary>
/// The node's side of the work signal. A lost signal costs only latency: the node also pulls
/// on a timer and learns of cancellation when it next reports.
/// </summary>
[Alias("backupd.jobs.INodeJobObserver")]
public interface INodeJobObserver : IGrainObserver
{
    /// <summary>New work is queued for this node.</summary>
    [OneWay, Alias("JobsAvailable")]
    Task JobsAvailable();

    /// <summary>An admin cancelled a job this node runs.</summary>
    [OneWay, Alias("CancelRequested")]
    Task CancelRequested(string jobId);
}
