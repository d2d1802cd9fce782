using Backupd.Grains.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Backupd.Grains;

/// <summary>Registers what the master's grains use besides storage and the index tables.</summary>
public static class GrainServiceCollectionExtensions
{
    /// <summary>Adds <see cref="JobLauncher"/>.</summary>
    public static IServiceCollection AddBackupdGrainServices(this IServiceCollection services)
    {
        services.TryAddSingleton<JobLauncher>();
        return services;
    }
}
