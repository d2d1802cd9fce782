using Backupd.Modules.Resources;

namespace Backupd.Modules.Storage;

/// <summary>A stored bundle to be copied onto the node's disk (to verify or restore it).</summary>
/// <param name="FullKey">Its full key, with the provider's prefix, as the master recorded it.</param>
/// <param name="LocalPath">The file to write; made anew.</param>
/// <param name="Size">The size the master recorded: a stored object of another size is not the bundle, and no more than this is read.</param>
public sealed record BundleDownload(string FullKey, string LocalPath, long Size)
{
    /// <summary>
    /// Receives the bytes received so far, each report made once they are written to <c>LocalPath</c>
    /// in order (what was reported is never written again): a reader may follow the file with it.
    /// </summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>The node's shared network limit; every byte received passes through it.</summary>
    public BandwidthLimiter? Bandwidth { get; init; }
}
