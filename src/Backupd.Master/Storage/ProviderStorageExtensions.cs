using Backupd.Grains.Storage;
using Backupd.Master.Options;
using Backupd.Master.Schedules;
using Backupd.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Backupd.Master.Storage;

/// <summary>Registers what the master reaches a provider's storage with.</summary>
public static class ProviderStorageExtensions
{
    /// <summary>Adds <see cref="ProviderStorage"/> and the retention pruner that uses it.</summary>
    public static IServiceCollection AddBackupdProviderStorage(this IServiceCollection services)
    {
        services.AddOptions<MasterOptions>();
        services.AddBackupdStorage();
        services.AddSingleton<ProviderStorage>();
        services.AddSingleton<IBundlePruner, StorageBundlePruner>();
        return services;
    }
}
