using System.Text;
using Backupd.Modules.WordPress.Dump;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// The option that has the mysql client refuse its own commands that reach past the database
/// server (<c>\!</c> runs a shell command, <c>source</c>, <c>tee</c> and <c>pager</c> touch files),
/// which it otherwise obeys anywhere in its input. A dump comes out of a bundle, and a bundle from
/// a node that may have been broken into: without it, a restore (or an automatic test-restore on
/// another node) would run that node's commands as the restoring node's user, root included.
/// MariaDB's client has <c>--sandbox</c> (10.5.25, 10.6.18, 10.11.8, 11.0.6 and later), MySQL's
/// <c>--system-command=OFF</c> (8.0.40 and later); a client with neither is not used.
/// </summary>
internal static class ClientSandbox
{
    /// <summary>The option <paramref name="program"/> takes, read from its own <c>--help</c>.</summary>
    /// <exception cref="ModuleFailedException">It has neither, or could not say.</exception>
    public static async Task<string> OptionAsync(string program, string homeDirectory, CancellationToken cancellationToken)
    {
        string help;
        await using (var process = DumpProcess.Start(program, ["--help"], homeDirectory))
        {
            using var kill = cancellationToken.Register(process.Kill);
            using var text = new StreamReader(process.StandardOutput, Encoding.UTF8);
            help = await text.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (help.Contains("--sandbox", StringComparison.Ordinal))
        {
            return "--sandbox";
        }

        if (help.Contains("--system-command", StringComparison.Ordinal))
        {
            return "--system-command=OFF";
        }

        throw new ModuleFailedException(
            $"{program} cannot be told to refuse the shell and file commands a database dump could carry (it has no --sandbox, which MariaDB's client has from 10.5.25, 10.6.18 and 10.11.8, "
            + "nor --system-command, which MySQL's has from 8.0.40), so no bundle's dump is run through it. Upgrade the mysql client on this node. The live tables were not touched.");
    }
}
