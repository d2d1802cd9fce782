using Backupd.Storage.Targets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Backupd.Storage;

/// <summary>Registers the storage types.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Adds the local folder and S3 types and <see cref="StorageTargetRegistry"/>.</summary>
    public static IServiceCollection AddBackupdStorage(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStorageTargetType, LocalFolderTargetType>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStorageTargetType, S3TargetType>());
        services.TryAddSingleton<StorageTargetRegistry>();
        return services;
    }
}
