using Backupd.Modules.Pruning;
using Backupd.Modules.WordPress.Restore;
using Backupd.Modules.WordPress.Verification;
using Microsoft.Extensions.DependencyInjection;

namespace Backupd.Modules.WordPress;

/// <summary>Registers the WordPress module.</summary>
public static class WordPressServiceCollectionExtensions
{
    /// <summary>Adds the WordPress module to the module registry, with the prune, verify and restore modules the master makes jobs of for its bundles.</summary>
    public static IServiceCollection AddWordPressModule(this IServiceCollection services) =>
        services.AddBackupModule<WordPressModule>().AddBackupModule<BundlePruneModule>().AddBackupModule<BundleVerifyModule>().AddBackupModule<WordPressRestoreModule>();
}
