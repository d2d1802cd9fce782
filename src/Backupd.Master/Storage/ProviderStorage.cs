using Backupd.Contracts.Storage;
using Backupd.Storage;

namespace Backupd.Master.Storage;

/// <summary>Opens, on the master, the storage a provider's released settings describe.</summary>
internal static class ProviderStorage
{
    /// <summary>The S3 storage of <paramref name="target"/>, whose <paramref name="s3"/> location it carries.</summary>
    public static S3BundleStorage OpenS3(StorageTargetSettings target, S3Location s3) =>
        new(new S3StorageSettings(s3.Endpoint, s3.Region, s3.Bucket, target.Prefix, s3.ForcePathStyle, s3.AccessKeyId ?? "", s3.SecretAccessKey ?? ""));
}
