using Backupd.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backupd.Tests.Hosting;

public sealed class HostExitTests
{
    [Fact]
    public async Task A_host_stopped_by_a_failed_background_service_exits_with_a_failure_code_so_the_service_manager_restarts_it()
    {
        using var host = HostWith<Failing>();

        var exitCode = await HostExit.RunAsync(host, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HostExit.ServiceFailedExitCode, exitCode);
    }

    [Fact]
    public async Task A_host_stopped_on_request_exits_cleanly()
    {
        using var host = HostWith<Waiting>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var exitCode = await HostExit.RunAsync(host, stop.Token).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
    }

    private static IHost HostWith<TService>()
        where TService : class, IHostedService
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddHostedService<TService>();
        return builder.Build();
    }

    private sealed class Failing : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(50, stoppingToken);
            throw new IOException("the runner's loop broke");
        }
    }

    private sealed class Waiting : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Delay(Timeout.Infinite, stoppingToken);
    }
}
