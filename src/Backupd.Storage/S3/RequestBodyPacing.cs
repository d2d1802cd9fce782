using Backupd.Modules.Resources;

namespace Backupd.Storage;

/// <summary>
/// Tells the HTTP layer which <see cref="TransferScope"/> the request being sent belongs to. The
/// SDK builds the HTTP request itself, so the scope travels with the async flow that called it.
/// </summary>
/// <remarks>
/// Pacing happens where bytes are written to the socket, not in a stream handed to the SDK: the
/// SDK reads a seekable body twice (once to sign its SHA-256, once to send it), and only the
/// second read is traffic.
/// </remarks>
internal sealed class RequestBodyPacing
{
    private readonly AsyncLocal<TransferScope?> _current = new();

    public TransferScope? Current => _current.Value;

    /// <summary>Makes a new scope current for the calling async flow until it is disposed.</summary>
    public TransferScope Begin(BandwidthLimiter? limiter, UploadProgress progress, AttemptDeadline deadline)
    {
        var previous = _current.Value;
        var scope = new TransferScope(limiter, progress, deadline, () => _current.Value = previous);
        _current.Value = scope;
        return scope;
    }
}
