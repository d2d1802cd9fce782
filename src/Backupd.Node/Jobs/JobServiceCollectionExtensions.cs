using Backupd.Modules.Resources;
using Backupd.Modules.WordPress;
using Backupd.Node.Options;
using Backupd.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Backupd.Node.Jobs;

/// <summary>Registers what runs jobs on a node.</summary>
public static class JobServiceCollectionExtensions
{
    /// <summary>The job runner, its link to the master, the ResourceManager, storage and the modules.</summary>
    public static IServiceCollection AddBackupdJobs(this IServiceCollection services, NodeOptions options)
    {
        services.AddSingleton<MasterLink>();
        services.AddSingleton<JobSignal>();
        services.AddSingleton(_ => new ResourceManager(options.ResourceLimits));
        services.AddBackupdStorage();
        services.AddSingleton<LocalFolderLeftovers>();
        services.AddHostedService(provider => provider.GetRequiredService<LocalFolderLeftovers>());
        services.AddSingleton<BundleStorageFactory>();
        services.AddWordPressModule();
        services.AddHostedService<JobRunner>();
        return services;
    }
}
