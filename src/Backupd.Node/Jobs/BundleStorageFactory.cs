using Backupd.Contracts.Storage;
using Backupd.Modules.Resources;
using Backupd.Modules.Storage;
using Backupd.Node.Options;
using Backupd.Storage;
using Microsoft.Extensions.Options;

namespace Backupd.Node.Jobs;

/// <summary>Opens the storage a job's provider describes.</summary>
public sealed class BundleStorageFactory(ResourceManager resources, IOptions<NodeOptions> options)
{
    /// <summary>The storage for <paramref name="settings"/>; dispose it when it is <see cref="IDisposable"/>.</summary>
    /// <exception cref="NotSupportedException">This node does not know the provider's type.</exception>
    public IBundleStorage Create(StorageTargetSettings settings) => settings.Type switch
    {
        StorageTypes.Local => new LocalFolderStorage(settings.Path ?? throw new InvalidOperationException($"Provider {settings.ProviderId} has no path."), settings.Prefix),
        StorageTypes.S3 when settings.S3 is { } s3 => new S3BundleStorage(
            new S3StorageSettings(s3.Endpoint, s3.Region, s3.Bucket, settings.Prefix, s3.ForcePathStyle, s3.AccessKeyId ?? "", s3.SecretAccessKey ?? ""),
            // Parts of one upload share the node's network slots' worth of parallelism.
            new S3UploadOptions { MaxParallelParts = resources.Limits.MaxNetwork, PartSize = options.Value.S3PartSizeMib * (1L << 20) }),
        _ => throw new NotSupportedException($"This node cannot write to storage of type '{settings.Type}'; upgrade backupd on the node."),
    };
}
