namespace Backupd.Bundles;

/// <summary>A file or directory that should go into a bundle could not be read.</summary>
/// <remarks>The bundle is not silently left incomplete: the caller decides whether to retry or fail the job.</remarks>
public sealed class BundleSourceException(string sourcePath, Exception innerException)
    : IOException($"Cannot read '{sourcePath}' into the bundle: {innerException.Message}", innerException)
{
    /// <summary>The path on disk that could not be read.</summary>
    public string SourcePath { get; } = sourcePath;
}
