namespace Backupd.Storage;

/// <summary>The storage provider types backupd knows.</summary>
public static class StorageTypes
{
    /// <summary>A directory on the node that runs the job.</summary>
    public const string Local = "local";
}
