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

    /// <summary>
    /// The next signal heard, oldest first. "Work available" waits at most once: more of it before
    /// the node is told add nothing, and a burst of new jobs must not push a cancel out of the 64
    /// kept (the oldest are dropped when that many wait unread).
    /// </summary>
    public async ValueTask<(string Event, string Data)> ReadAsync(CancellationToken cancellationToken)
    {
        var signal = await _signals.Reader.ReadAsync(cancellationToken);
        if (signal.Event == NodeSignals.Work)
        {
            // Before the node hears it: a job queued from now on is signalled again.
            _observer.WorkTold();
        }

        return signal;
    }

    public void Dispose() => _grains.DeleteObjectReference<INodeJobObserver>(Reference);

    private sealed class Observer(ChannelWriter<(string Event, string Data)> signals) : INodeJobObserver
    {
        private int _workWaiting;

        public Task JobsAvailable()
        {
            if (Interlocked.Exchange(ref _workWaiting, 1) == 0)
            {
                signals.TryWrite((NodeSignals.Work, string.Empty));
            }

            return Task.CompletedTask;
        }

        public void WorkTold() => Volatile.Write(ref _workWaiting, 0);

        public Task CancelRequested(string jobId)
        {
            signals.TryWrite((NodeSignals.Cancel, jobId));
            return Task.CompletedTask;
        }
    }
}
