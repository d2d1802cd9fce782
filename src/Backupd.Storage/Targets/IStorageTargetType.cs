using Backupd.Contracts.Storage;
using Backupd.Modules.Storage;

namespace Backupd.Storage.Targets;

/// <summary>
/// One kind of storage (a local folder, S3): how its settings are checked and stored, how a
/// provider's settings become its <see cref="StorageTarget"/>, and how that is opened. Every
/// type goes through <see cref="StorageTargetRegistry"/>; nothing else switches on the type name.
/// </summary>
public interface IStorageTargetType
{
    /// <summary>The type's name in the API and in stored providers.</summary>
    string Name { get; }

    /// <summary>Whether the master can reach the storage itself (to test it and delete pruned bundles); a local folder is on the node.</summary>
    bool ReachableFromMaster { get; }

    /// <summary>Adds an error for each of this type's fields that is wrong, saying how to fix it.</summary>
    void Validate(StorageTargetFields fields, StorageValidationRules rules, List<StorageFieldError> errors);

    /// <summary>The stored definition of checked fields; credentials travel in it once, for the grain to encrypt.</summary>
    StorageProviderDefinition ToDefinition(string name, StorageTargetFields fields);

    /// <summary>The typed target of a provider's released settings.</summary>
    StorageTarget ToTarget(StorageTargetSettings settings);

    /// <summary>Opens the storage; dispose it when it is <see cref="IDisposable"/>.</summary>
    IBundleStorage Open(StorageTarget target, StorageOpenOptions options);
}

/// <summary>How the opener wants the storage to behave.</summary>
public sealed record StorageOpenOptions
{
    /// <summary>S3 uploads: parallel parts, part size, retries, refused networks.</summary>
    public S3UploadOptions S3 { get; init; } = new();

    /// <summary>
    /// Set on a node: S3 storage then writes through requests the master signs for the job, and
    /// needs no credentials (nor gets any). Unset on the master, which signs with the provider's.
    /// </summary>
    public IBundleUploadGrants? UploadGrants { get; init; }

    /// <summary>The clock retries and deadlines follow.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
