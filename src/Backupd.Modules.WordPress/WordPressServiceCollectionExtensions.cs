using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Backupd.Modules.WordPress;

/// <summary>Registers the WordPress module.</summary>
public static class WordPressServiceCollectionExtensions
{
    /// <summary>Adds the WordPress module (and the mysqldump runner it uses) to the module registry.</summary>
    public static IServiceCollection AddWordPressModule(this IServiceCollection services)
    {
        services.TryAddSingleton<DatabaseDumper>();
        return services.AddBackupModule<WordPressModule>();
    }
}
