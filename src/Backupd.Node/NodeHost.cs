using Backupd.Hosting;
using Backupd.Node.Tuning;
using Backupd.Node.Connection;
using Backupd.Node.Identity;
using Backupd.Node.Jobs;
using Backupd.Node.Options;
using Backupd.Node.Registration;
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
        // Before any job thread allocates: see MallocTuning for what this saves.
        MallocTuning.ApplyNodeDefaults();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        builder.AddBackupdLogging();
        var options = builder.AddBackupdSettings<NodeOptions>();
        DataDirectories.Create(options.DataDir);
        DataDirPermissions.Add(builder.Services, options.DataDir, "node-identity.json");

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NodeIdentityStore>();
        builder.Services.AddSingleton<NodeRegistrar>();
        builder.Services.AddSingleton<CapabilityProbe>();
        builder.Services.AddSingleton<MasterSession>();
        builder.Services.AddHttpClient<MasterRegistrationClient>(http =>
        {
            http.BaseAddress = options.MasterUrl;
            http.Timeout = TimeSpan.FromSeconds(15);
        });
        builder.Services.AddHostedService<NodeAgent>();
        builder.Services.AddBackupdJobs(options);

        using var host = builder.Build();
        return await HostExit.RunAsync(host, cancellationToken);
    }
}
