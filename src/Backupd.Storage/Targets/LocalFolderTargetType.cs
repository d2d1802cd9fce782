using Backupd.Contracts.Storage;
using Backupd.Modules.Storage;

namespace Backupd.Storage.Targets;

/// <summary>A directory on the node that runs the job.</summary>
public sealed class LocalFolderTargetType : IStorageTargetType
{
    public string Name => StorageTypes.Local;

    public bool ReachableFromMaster => false;

    public void Validate(StorageTargetFields fields, StorageValidationRules rules, List<StorageFieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(fields.Path) || !Path.IsPathFullyQualified(fields.Path))
        {
            errors.Add(new("path", "is required for a local provider: an absolute directory path on the nodes, e.g. /var/backups/backupd"));
        }
    }

    public StorageProviderDefinition ToDefinition(string name, StorageTargetFields fields) =>
        new(name, Name, fields.Path, fields.NormalizedPrefix, null);

    public StorageTarget ToTarget(StorageTargetSettings settings) =>
        new LocalFolderTarget(settings.ProviderId, settings.Path ?? throw new InvalidOperationException($"Provider {settings.ProviderId} has no path."), settings.Prefix);

    public IBundleStorage Open(StorageTarget target, StorageOpenOptions options)
    {
        var local = (LocalFolderTarget)target;
        return new LocalFolderStorage(local.Path, local.Prefix);
    }
}
