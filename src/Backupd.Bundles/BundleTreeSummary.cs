namespace Backupd.Bundles;

/// <summary>What one directory tree contributed to a bundle (or what an extraction wrote).</summary>
/// <param name="Files">Regular files stored.</param>
/// <param name="Directories">Directories stored, the tree's root included when it has an entry of its own.</param>
/// <param name="Symlinks">Symbolic links stored as links.</param>
/// <param name="Skipped">FIFOs, sockets and devices left out; their paths are in <see cref="SkippedPaths"/>.</param>
/// <param name="Bytes">Content bytes of the regular files.</param>
public sealed record BundleTreeSummary(int Files, int Directories, int Symlinks, int Skipped, long Bytes)
{
    /// <summary>Paths, relative to the tree's root, of the entries counted in <see cref="Skipped"/>.</summary>
    public IReadOnlyList<string> SkippedPaths { get; init; } = [];
}
