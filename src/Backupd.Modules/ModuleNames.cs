namespace Backupd.Modules;

/// <summary>The names under which the built-in modules register.</summary>
public static class ModuleNames
{
    /// <summary>The WordPress site module.</summary>
    public const string WordPress = "wordpress";

    /// <summary>Deletes bundles for a schedule's retention, on the node that holds them.</summary>
    public const string Prune = "prune";

    /// <summary>Downloads a stored bundle and checks it against its record and its manifest.</summary>
    public const string Verify = "verify";

    /// <summary>Puts a site back from a stored bundle.</summary>
    public const string Restore = "restore";

    /// <summary>
    /// Whether only the master makes jobs of <paramref name="module"/>, for the grains, which have
    /// no module registry (each such module says so too, <see cref="BackupModule.MasterOnly"/>).
    /// Such a job stores no bundle of its own.
    /// </summary>
    public static bool IsMasterOnly(string module) => module is Prune or Verify or Restore;

    /// <summary>Whether jobs of <paramref name="module"/> read the one stored bundle their config names (<see cref="Storage.BundleSource"/>).</summary>
    public static bool ReadsBundle(string module) => module is Verify or Restore;
}
