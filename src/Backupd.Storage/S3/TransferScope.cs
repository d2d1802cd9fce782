using Backupd.Modules.Resources;

namespace Backupd.Storage;

/// <summary>
/// One attempt at sending one request body: the bandwidth limit its bytes pass through, the
/// progress they count towards and the watchdog they keep alive. It is current for the async
/// flow that began it (see <see cref="RequestBodyPacing"/>) until disposed; unless
/// <see cref="Keep"/> was called, disposing takes the attempt's bytes back out of the progress.
/// </summary>
internal sealed class TransferScope : IDisposable
{
    private readonly UploadProgress _progress;
    private readonly AttemptDeadline _deadline;
    private readonly Action _restore;
    private long _sent;
    private bool _kept;

    public TransferScope(BandwidthLimiter? limiter, UploadProgress progress, AttemptDeadline deadline, Action restore)
    {
        Limiter = limiter;
        _progress = progress;
        _deadline = deadline;
        _restore = restore;
    }

    public BandwidthLimiter? Limiter { get; }

    public void Sent(int bytes)
    {
        Interlocked.Add(ref _sent, bytes);
        _progress.Add(bytes);
        _deadline.Touch();
    }

    public void Keep() => _kept = true;

    public void Dispose()
    {
        _restore();
        if (!_kept)
        {
            _progress.Add(-Interlocked.Exchange(ref _sent, 0));
        }
    }
}
