namespace Backupd.Modules;

/// <summary>The names under which the built-in modules register.</summary>
public static class ModuleNames
{
    /// <summary>The WordPress site module.</summary>
    public const string WordPress = "wordpress";

    /// <summary>Deletes bundles for a schedule's retention, on the node that holds them.</summary>
    public const string Prune = "prune";
}
