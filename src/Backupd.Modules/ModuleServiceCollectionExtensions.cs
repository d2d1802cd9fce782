using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Backupd.Modules;

/// <summary>Registers modules.</summary>
public static class ModuleServiceCollectionExtensions
{
    /// <summary>Adds a module to the <see cref="ModuleRegistry"/>.</summary>
    public static IServiceCollection AddBackupModule<TModule>(this IServiceCollection services)
        where TModule : BackupModule
    {
        services.TryAddSingleton<ModuleRegistry>();
        // Idempotent, so two features may both ask for the same module.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<BackupModule, TModule>());
        return services;
    }
}
