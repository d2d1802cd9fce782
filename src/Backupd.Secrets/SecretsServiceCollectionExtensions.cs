using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backupd.Secrets;

/// <summary>Registers the master's secret keys.</summary>
public static class SecretsServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="FernetKeyRing"/> loaded as the host starts (see
    /// <see cref="SecretKeyLoader"/>). Calling it again changes nothing.
    /// </summary>
    /// <param name="services">The master's services.</param>
    /// <param name="secretKeySetting">The value of <c>BACKUPD_SECRET_KEY</c>, or <see langword="null"/>.</param>
    /// <param name="dataDir">The master's data dir, home of <c>secret.key</c>.</param>
    public static IServiceCollection AddBackupdSecrets(this IServiceCollection services, string? secretKeySetting, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        services.TryAddSingleton(provider => new SecretKeyLoader(
            secretKeySetting,
            dataDir,
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILogger<SecretKeyLoader>>() ?? NullLogger<SecretKeyLoader>.Instance));
        services.TryAddSingleton<SecretKeyProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SecretKeyProvider>(provider => provider.GetRequiredService<SecretKeyProvider>()));
        services.TryAddSingleton(provider => provider.GetRequiredService<SecretKeyProvider>().KeyRing);
        return services;
    }
}
