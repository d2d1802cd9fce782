namespace Backupd.Contracts.Storage;

/// <summary>
/// What a node needs to write to a provider for one job, credentials included. Released only
/// to the node running a job that uses the provider, and only while it runs.
/// </summary>
[GenerateSerializer, Immutable, Alias("backupd.storage.StorageTargetSettings")]
public sealed record StorageTargetSettings(
    [property: Id(0)] string ProviderId,
    [property: Id(1)] string Type,
    [property: Id(2)] string? Path,
    [property: Id(3)] string Prefix,
    [property: Id(4)] S3Location? S3 = null)
{
    /// <summary>Only the provider id and type: the rest may carry credentials.</summary>
    public override string ToString() => $"StorageTargetSettings {{ ProviderId = {ProviderId}, Type = {Type} }}";
}
