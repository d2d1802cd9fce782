using Backupd.Hosting;
using Backupd.Node.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backupd.Node;

/// <summary>Runs the node agent.</summary>
public static class NodeHost
{
    /// <summary>Runs until SIGTERM/SIGINT or <paramref name="cancellationToken"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        builder.AddBackupdLogging();
        var options = builder.AddBackupdSettings<NodeOptions>();
        Directory.CreateDirectory(options.DataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient<MasterHealthMonitor>(http => http.Timeout = TimeSpan.FromSeconds(5));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MasterHealthMonitor>());

        using var host = builder.Build();
        await host.RunAsync(cancellationToken);
        return 0;
    }
}
