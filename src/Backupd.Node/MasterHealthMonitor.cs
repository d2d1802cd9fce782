using Backupd.Node.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Node;

/// <summary>
/// Watches whether the master answers <c>/healthz</c> and logs each change, so an operator
/// sees at once when a node cannot reach its master.
/// </summary>
public sealed partial class MasterHealthMonitor(
    HttpClient http,
    IOptions<NodeOptions> options,
    TimeProvider time,
    ILogger<MasterHealthMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var healthUrl = new Uri(options.Value.MasterUrl!, "/healthz");
        bool? reachable = null;
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            var now = await ProbeAsync(healthUrl, stoppingToken);
            if (now != reachable)
            {
                if (now)
                {
                    LogReachable(healthUrl);
                }
                else
                {
                    LogUnreachable(healthUrl);
                }

                reachable = now;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<bool> ProbeAsync(Uri healthUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(healthUrl, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(LogLevel.Information, "Master at {HealthUrl} is healthy")]
    private partial void LogReachable(Uri healthUrl);

    [LoggerMessage(LogLevel.Warning, "Master at {HealthUrl} is unreachable or unhealthy; retrying every 10 s")]
    private partial void LogUnreachable(Uri healthUrl);
}
