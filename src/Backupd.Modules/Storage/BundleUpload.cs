using Backupd.Modules.Resources;

namespace Backupd.Modules.Storage;

/// <summary>A finished bundle on the node's disk, to be stored.</summary>
/// <param name="LocalPath">The bundle file.</param>
/// <param name="Key">Its key without the provider's prefix (see <see cref="BundleKey"/>).</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256Hex">Its SHA-256, which the stored copy must match.</param>
public sealed record BundleUpload(string LocalPath, string Key, long Size, string Sha256Hex)
{
    /// <summary>Receives the bytes sent so far.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>The node's shared upload limit; every byte sent passes through it.</summary>
    public BandwidthLimiter? Bandwidth { get; init; }

    /// <summary>
    /// Asked when the upload is cancelled: true when the run is only interrupted (the node is
    /// stopping) and a later attempt goes on with it, so what is stored stays; otherwise an
    /// unfinished upload is dropped.
    /// </summary>
    public Func<bool>? KeepWhenCancelled { get; init; }
}
