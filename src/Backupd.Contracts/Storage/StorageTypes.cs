namespace Backupd.Contracts.Storage;

/// <summary>The storage provider types backupd knows.</summary>
public static class StorageTypes
{
    /// <summary>A directory on the node that runs the job.</summary>
    public const string Local = "local";

    /// <summary>An S3-compatible bucket: AWS S3, Backblaze B2, MinIO, Cloudflare R2…</summary>
    public const string S3 = "s3";

    /// <summary>All known types.</summary>
    public static IReadOnlyList<string> All { get; } = [Local, S3];
}
