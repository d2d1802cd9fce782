namespace Backupd.Contracts.Storage;

/// <summary>The storage provider types backupd knows.</summary>
public static class StorageTypes
{
    /// <summary>A directory on the node that runs the job.</summary>
    public const string Local = "local";

    /// <summary>All known types.</summary>
    public static IReadOnlyList<string> All { get; } = [Local];
}
