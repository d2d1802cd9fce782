using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backupd.Hosting;

/// <summary>
/// The exit code a finished host run ends the process with. A background service that fails stops
/// the host (the runtime's default), and the process would then exit 0, which a service manager
/// takes for a clean stop: a node whose job runner failed would stay down, taking no backups,
/// where <c>Restart=on-failure</c> would have brought it back.
/// </summary>
public static class HostExit
{
    /// <summary>A background service failed (sysexits' EX_SOFTWARE).</summary>
    public const int ServiceFailedExitCode = 70;

    /// <summary>
    /// Runs <paramref name="host"/> until it stops (and disposes it, as running does); returns
    /// <see cref="ServiceFailedExitCode"/> when one of its background services ended with an
    /// exception, otherwise <see cref="Environment.ExitCode"/>.
    /// </summary>
    public static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        // Taken before the run: the host's services are disposed with it.
        var services = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return services.Any(service => service.ExecuteTask is { IsFaulted: true }) ? ServiceFailedExitCode : Environment.ExitCode;
    }
}
