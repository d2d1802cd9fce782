using System.Threading.Channels;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.NodeApi;
using Backupd.Grains.Jobs;

namespace Backupd.Master.NodeApi;

/// <summary>
/// The signals of one node's queue while its signal stream is open: the observer the queue grain
/// calls, a reference to it for the grain, and what it heard, in order.
/// </summary>
/// <remarks>
/// Orleans holds the object behind a reference it makes only weakly. When nothing else held the
/// observer, the first garbage collection on the master took it, and from then on "work
/// available" and "cancel" went nowhere: each new job waited for the node's next poll (5 s), each
/// cancel for its next report. This holds the observer for as long as the subscription lives.
/// </remarks>
internal sealed class NodeSignalSubscription : IDisposable
{
    private readonly IGrainFactory _grains;
    private readonly Observer _observer;
    private readonly Channel<(string Event, string Data)> _signals =
        Channel.CreateBounded<(string Event, string Data)>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });

    public NodeSignalSubscription(IGrainFactory grains)
    {
        _grains = grains;
        _observer = new Observer(_signals.Writer);
        Reference = grains.CreateObjectReference<INodeJobObserver>(_observer);
    }

    /// <summary>What the node's queue grain is given to call.</summary>
    public INodeJobObserver Reference { get; }

    /// <summary>The signals heard, oldest first; the oldest are dropped when 64 wait unread.</summary>
    public ChannelReader<(string Event, string Data)> Signals => _signals.Reader;

    public void Dispose() => _grains.DeleteObjectReference<INodeJobObserver>(Reference);

    private sealed class Observer(ChannelWriter<(string Event, string Data)> signals) : INodeJobObserver
    {
        public Task JobsAvailable()
        {
            signals.TryWrite((NodeSignals.Work, string.Empty));
            return Task.CompletedTask;
        }

        public Task CancelRequested(string jobId)
        {
            signals.TryWrite((NodeSignals.Cancel, jobId));
            return Task.CompletedTask;
        }
    }
}
