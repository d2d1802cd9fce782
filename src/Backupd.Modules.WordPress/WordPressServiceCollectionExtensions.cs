using Backupd.Modules.Pruning;
using Microsoft.Extensions.DependencyInjection;

namespace Backupd.Modules.WordPress;

/// <summary>Registers the WordPress module.</summary>
public static class WordPressServiceCollectionExtensions
{
    /// <summary>Adds the WordPress module to the module registry, with the prune module its schedules need.</summary>
    public static IServiceCollection AddWordPressModule(this IServiceCollection services) =>
        services.AddBackupModule<WordPressModule>().AddBackupModule<BundlePruneModule>();
}
