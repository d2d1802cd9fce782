using Backupd.Contracts.Storage;
using Backupd.Modules.Storage;
using Backupd.Storage;

namespace Backupd.Node.Jobs;

/// <summary>Opens the storage a job's provider describes.</summary>
public sealed class BundleStorageFactory
{
    /// <summary>The storage for <paramref name="settings"/>.</summary>
    /// <exception cref="NotSupportedException">This node does not know the provider's type.</exception>
    public IBundleStorage Create(StorageTargetSettings settings) => settings.Type switch
    {
        StorageTypes.Local => new LocalFolderStorage(settings.Path ?? throw new InvalidOperationException($"Provider {settings.ProviderId} has no path."), settings.Prefix),
        _ => throw new NotSupportedException($"This node cannot write to storage of type '{settings.Type}'; upgrade backupd on the node."),
    };
}
