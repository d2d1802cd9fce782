using System.Diagnostics;
using Backupd.Bundles;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// Has PHP load the restored site (<c>wp-load.php</c>) and read its <c>siteurl</c> and
/// <c>home</c>, as the site's owner (<see cref="RunAs"/>): the site's code is not trusted with the node's identity,
/// nor, when the node runs as root, with root.
/// </summary>
internal static class SiteLoadCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Echoes the two options on lines of their own, after anything the site's code printed, and in a
    // network how many sites it has. The request is for the site's URL (host, path, scheme as
    // arguments): a network finds the site it serves by the request's host and path, and without
    // one it redirects and exits. No cron: the check must not run the site's scheduled work, nor
    // write its cron lock into the restored tables.
    private const string Script =
        "if ($argc > 3) { $_SERVER['HTTP_HOST'] = $argv[1]; $_SERVER['SERVER_NAME'] = explode(':', $argv[1])[0]; $_SERVER['REQUEST_URI'] = $argv[2]; $_SERVER['HTTPS'] = $argv[3]; } " +
        "define('WP_USE_THEMES', false); define('DISABLE_WP_CRON', true); require getcwd() . '/wp-load.php'; " +
        "echo \"\\nbackupd-siteurl=\", get_option('siteurl'), \"\\nbackupd-home=\", get_option('home'), \"\\n\"; " +
        "if (is_multisite()) { echo 'backupd-sites=', get_sites(['count' => true]), \"\\n\"; }";

    /// <summary>
    /// The site's siteurl and home as WordPress reads them, and how many sites its network has (null
    /// for a single site), PHP told it was asked for <paramref name="url"/>; null with the reason when it was not run.
    /// </summary>
    /// <exception cref="ModuleFailedException">PHP ran and could not load the site.</exception>
    public static async Task<(string SiteUrl, string Home, int? Sites)?> RunAsync(HeldDirectory site, Uri? url, Action<string> skipped, CancellationToken cancellationToken)
    {
        var php = Dump.DumpProgram.FindOnPath(Environment.GetEnvironmentVariable("PATH"), "php");
        if (php is null)
        {
            skipped("php is not on this node's PATH, so whether WordPress loads was not checked");
            return null;
        }

        if (RunAs(site) is not var (uid, gid))
        {
            skipped($"Everything of {site.Shown} where code lives is root's, and the node never runs a site's code as root: whether WordPress loads was not checked");
            return null;
        }

        // The held directory, so that a site renamed meanwhile is not looked for elsewhere: the
        // child changes into it before it starts PHP, while it still has the node's descriptors.
        var start = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = site.Path };
        if (Environment.IsPrivilegedProcess)
        {
            // setpriv (util-linux) runs PHP as that user, with that user's group alone.
            start.FileName = "setpriv";
            foreach (var argument in new[] { $"--reuid={uid}", $"--regid={gid}", "--clear-groups", "--", php })
            {
                start.ArgumentList.Add(argument);
            }
        }
        else if (uid != CurrentUid())
        {
            skipped($"The site belongs to uid {uid}, not to the node's user, and the node runs the site's code only as its owner: whether WordPress loads was not checked");
            return null;
        }
        else
        {
            start.FileName = php;
        }

        // The site's code gets none of the node's environment, only where to find programs.
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        start.Environment.Clear();
        start.Environment["PATH"] = path;

        foreach (var argument in new[] { "-d", "display_errors=stderr", "-r", Script })
        {
            start.ArgumentList.Add(argument);
        }

        if (url is not null)
        {
            foreach (var argument in new[] { "--", NetworkMove.DomainOf(url), NetworkMove.DirectoryPath(url), url.Scheme == Uri.UriSchemeHttps ? "on" : "off" })
            {
                start.ArgumentList.Add(argument);
            }
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ModuleFailedException("php could not be started.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            skipped($"{start.FileName} could not be started ({ex.Message}), so whether WordPress loads was not checked");
            return null;
        }

        using var started = process;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new ModuleFailedException($"PHP did not finish loading the restored site within {Timeout.TotalSeconds:0} s.");
        }

        var lines = (await output.ConfigureAwait(false)).Split('\n');
        var siteUrl = lines.FirstOrDefault(line => line.StartsWith("backupd-siteurl=", StringComparison.Ordinal))?["backupd-siteurl=".Length..].Trim();
        var home = lines.FirstOrDefault(line => line.StartsWith("backupd-home=", StringComparison.Ordinal))?["backupd-home=".Length..].Trim();
        if (process.ExitCode != 0 || string.IsNullOrEmpty(siteUrl))
        {
            var stderr = (await error.ConfigureAwait(false)).Trim();
            throw new ModuleFailedException($"After the restore, PHP could not load the site (exit {process.ExitCode}): {(stderr.Length > 600 ? stderr[^600..] : stderr)}");
        }

        var sites = lines.FirstOrDefault(line => line.StartsWith("backupd-sites=", StringComparison.Ordinal))?["backupd-sites=".Length..].Trim();
        return (siteUrl, home ?? string.Empty, int.TryParse(sites, System.Globalization.CultureInfo.InvariantCulture, out var count) ? count : null);
    }

    /// <summary>
    /// Whom the site's code runs as: the first owner that is not root of the places its code lives
    /// (wp-content's plugins, themes and must-use plugins, wp-content, wp-config.php, the root), so
    /// the account a broken site runs as, wherever a host lets it write. Never root: null when all
    /// are root's (the check is then skipped), since a root-owned file can be put in place by
    /// anyone who may write its directory. Not wp-config.php first: the owner of a writable site
    /// root can rename a root-owned file of the site to that name.
    /// </summary>
    internal static FileOwner? RunAs(HeldDirectory site)
    {
        foreach (var name in new[] { "wp-content/plugins", "wp-content/themes", "wp-content/mu-plugins", "wp-content", "wp-config.php" })
        {
            if (site.Exists(name) && FileOwnership.Of(Path.Join(site.Path, name)) is { Uid: not 0 } owner)
            {
                return owner;
            }
        }

        return site.Owner is { Uid: not 0 } root ? root : null;
    }

    // /proc/<pid> belongs to the process's effective user; .NET has no getuid.
    private static int CurrentUid() => FileOwnership.Of($"/proc/{Environment.ProcessId}").Uid;
}
