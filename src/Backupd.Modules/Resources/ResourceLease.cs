namespace Backupd.Modules.Resources;

/// <summary>
/// One slot of a <see cref="ResourceKind"/>, held until disposed. Disposing more than once gives
/// the slot back only once.
/// </summary>
public sealed class ResourceLease : IDisposable
{
    private ResourceSlots? _slots;

    internal ResourceLease(ResourceSlots slots)
    {
        _slots = slots;
        Kind = slots.Kind;
    }

    /// <summary>The kind of resource this lease holds.</summary>
    public ResourceKind Kind { get; }

    /// <summary>Gives the slot back to the next waiter, if any.</summary>
    public void Dispose() => Interlocked.Exchange(ref _slots, null)?.Release();
}
