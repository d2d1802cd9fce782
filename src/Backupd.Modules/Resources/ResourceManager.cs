namespace Backupd.Modules.Resources;

/// <summary>
/// A node's limits on concurrent work and upload bandwidth. Stages take a
/// <see cref="ResourceLease"/> of the kind they use before starting heavy work; uploads pass their
/// bytes through the one shared <see cref="Bandwidth"/> limiter.
/// </summary>
public sealed class ResourceManager : IDisposable
{
    private readonly ResourceSlots _io;
    private readonly ResourceSlots _network;
    private readonly ResourceSlots _cpu;

    /// <summary>Creates the manager for <paramref name="limits"/>.</summary>
    /// <param name="limits">The node's limits, already validated by <see cref="ResourceLimits"/>.</param>
    /// <param name="timeProvider">Schedules the bandwidth limiter's refills; the system clock when null.</param>
    public ResourceManager(ResourceLimits limits, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Limits = limits;
        _io = new ResourceSlots(ResourceKind.Io, limits.MaxIo);
        _network = new ResourceSlots(ResourceKind.Network, limits.MaxNetwork);
        _cpu = new ResourceSlots(ResourceKind.Cpu, limits.MaxCpu);
        Bandwidth = new BandwidthLimiter(limits.MaxBandwidthBitsPerSecond, timeProvider);
    }

    /// <summary>The limits this manager enforces.</summary>
    public ResourceLimits Limits { get; }

    /// <summary>The one limiter shared by every upload of this node.</summary>
    public BandwidthLimiter Bandwidth { get; }

    /// <summary>How many worker threads a compressor may use: <see cref="ResourceLimits.MaxCpu"/>.</summary>
    public int CompressionThreads => Limits.MaxCpu;

    /// <summary>
    /// Waits, first come first served, for a slot of <paramref name="kind"/>. Dispose the lease
    /// to give the slot back.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting; no slot was taken.</exception>
    /// <exception cref="ObjectDisposedException">The manager was disposed.</exception>
    public ValueTask<ResourceLease> AcquireAsync(ResourceKind kind, CancellationToken cancellationToken) =>
        Slots(kind).AcquireAsync(cancellationToken);

    /// <summary>A snapshot of how <paramref name="kind"/> is used right now.</summary>
    public ResourceUsage Usage(ResourceKind kind) => Slots(kind).Usage;

    /// <summary>
    /// Wraps <paramref name="inner"/> so that bytes read from it (an upload source) or written to
    /// it pass through <see cref="Bandwidth"/>. The wrapper owns <paramref name="inner"/>:
    /// disposing one disposes the other.
    /// </summary>
    public Stream LimitUpload(Stream inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new BandwidthLimitedStream(inner, Bandwidth);
    }

    /// <summary>Fails everyone still waiting for a slot and stops the bandwidth limiter.</summary>
    public void Dispose()
    {
        _io.Dispose();
        _network.Dispose();
        _cpu.Dispose();
        Bandwidth.Dispose();
    }

    private ResourceSlots Slots(ResourceKind kind) => kind switch
    {
        ResourceKind.Io => _io,
        ResourceKind.Network => _network,
        ResourceKind.Cpu => _cpu,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "is not a resource kind"),
    };
}
