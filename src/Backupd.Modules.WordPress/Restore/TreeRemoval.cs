using System.Diagnostics;
using Backupd.Bundles;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// Removes a tree that a site's owner can write into while it is removed (a replaced wp-content,
/// a kept copy, a scratch copy), without ever following a link, even one swapped in for a
/// directory mid-way.
/// </summary>
/// <remarks>
/// .NET's recursive delete lists a directory and then deletes by path, so a directory renamed and
/// replaced by a link in between is followed (dotnet/runtime, formerly corefx#32082), and as root
/// that deletes whatever the link names. GNU rm walks the tree through directory descriptors,
/// opening each with O_NOFOLLOW and checking it is the directory it listed: the well-kept tool for
/// exactly this, so it is used rather than a walk of our own.
/// </remarks>
internal static class TreeRemoval
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Removes <paramref name="path"/> (a directory and all in it; a file or link itself) if it is there (rm -f).
    /// A <see cref="HeldDirectory.Path"/> on the way is given to rm as this process's descriptor.
    /// </summary>
    /// <param name="path">What to remove.</param>
    /// <param name="shown">The path for messages.</param>
    /// <param name="cancellationToken">Stops the removal (rm is killed).</param>
    /// <exception cref="IOException">rm could not remove all of it; what it said.</exception>
    public static async Task RemoveAsync(string path, string shown, CancellationToken cancellationToken)
    {
        var forChild = path.StartsWith("/proc/self/", StringComparison.Ordinal) ? $"/proc/{Environment.ProcessId}/{path["/proc/self/".Length..]}" : path;
        var start = new ProcessStartInfo("rm") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-rf", "--one-file-system", "--", forChild })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new IOException("rm could not be started.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        _ = process.StandardOutput.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new IOException($"Removing {shown} did not finish within {Timeout.TotalMinutes:0} minutes.");
        }

        if (process.ExitCode != 0)
        {
            var said = (await error.ConfigureAwait(false)).Trim().Replace(forChild, shown, StringComparison.Ordinal);
            throw new IOException($"Could not remove all of {shown}: {(said.Length > 600 ? said[..600] : said)}");
        }
    }
}
