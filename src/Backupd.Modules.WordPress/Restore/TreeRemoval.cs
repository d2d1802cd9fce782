using System.Runtime.ExceptionServices;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// Removes a directory tree (a replaced or kept <c>wp-content</c>) on every core. Unlinking tens of
/// thousands of files is the kernel's work, one file at a time per directory, and subtrees in
/// different directories do not wait on each other; one thread leaves the other core idle.
/// </summary>
internal static class TreeRemoval
{
    /// <summary>Removes <paramref name="root"/> and everything under it; links are removed, never followed.</summary>
    /// <exception cref="IOException">Something could not be removed.</exception>
    /// <exception cref="UnauthorizedAccessException">Something could not be removed.</exception>
    public static void Delete(string root)
    {
        // Subtrees two levels down (uploads/2024, plugins/akismet): enough pieces to share out,
        // few enough to list in a moment. Links are left for the last pass, which unlinks them.
        var pieces = Subdirectories(root).SelectMany(Subdirectories).ToList();
        try
        {
            Parallel.ForEach(pieces, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, piece => Directory.Delete(piece, recursive: true));
        }
        catch (AggregateException failed) when (failed.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(failed.InnerExceptions[0]).Throw();
        }

        Directory.Delete(root, recursive: true);
    }

    private static IEnumerable<string> Subdirectories(string directory) =>
        new DirectoryInfo(directory).EnumerateDirectories().Where(child => child.LinkTarget is null).Select(child => child.FullName);
}
