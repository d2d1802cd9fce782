using Backupd.Grains;
using Backupd.Master.Application.Auth;
using Backupd.Master.Application.Jobs;
using Backupd.Master.Application.Maintenance;
using Backupd.Master.Application.Nodes;
using Backupd.Master.Application.Providers;
using Backupd.Master.Application.Schedules;
using Backupd.Master.Application.Secrets;
using Microsoft.Extensions.DependencyInjection;

namespace Backupd.Master.Application;

/// <summary>Registers the application layer: what the REST API and the dashboard both call.</summary>
public static class ApplicationServiceCollectionExtensions
{
    /// <summary>Adds the services for jobs, schedules, providers, nodes, secrets, tokens and the system itself.</summary>
    public static IServiceCollection AddBackupdApplication(this IServiceCollection services)
    {
        services.AddBackupdGrainServices();
        services.AddSingleton<WorkChecks>();
        services.AddSingleton<JobService>();
        services.AddSingleton<VerifyService>();
        services.AddSingleton<RestoreService>();
        services.AddSingleton<KeptCopyService>();
        services.AddSingleton<ScheduleService>();
        services.AddSingleton<ProviderService>();
        services.AddSingleton<NodeService>();
        services.AddSingleton<SecretService>();
        services.AddSingleton<AdminSignIn>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<SystemService>();
        return services;
    }
}
