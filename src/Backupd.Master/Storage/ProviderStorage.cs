using Backupd.Contracts.Storage;
using Backupd.Master.Options;
using Backupd.Storage;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Storage;

/// <summary>Opens, on the master, the storage a provider's released settings describe, never towards a refused network.</summary>
public sealed class ProviderStorage(IOptions<MasterOptions> options)
{
    /// <summary>The networks the master does not connect to (<c>BACKUPD_PROVIDER_REFUSED_NETWORKS</c>).</summary>
    public IReadOnlyList<System.Net.IPNetwork> RefusedNetworks { get; } = options.Value.RefusedNetworks;

    /// <summary>The S3 storage of <paramref name="target"/>, whose <paramref name="s3"/> location it carries.</summary>
    public S3BundleStorage OpenS3(StorageTargetSettings target, S3Location s3) =>
        new(new S3StorageSettings(s3.Endpoint, s3.Region, s3.Bucket, target.Prefix, s3.ForcePathStyle, s3.AccessKeyId ?? "", s3.SecretAccessKey ?? ""),
            new S3UploadOptions { RefusedNetworks = RefusedNetworks });
}
