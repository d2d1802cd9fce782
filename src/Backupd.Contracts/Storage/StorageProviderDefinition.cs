namespace Backupd.Contracts.Storage;

/// <summary>A storage provider as an admin defines it.</summary>
/// <param name="Name">A name people recognise, e.g. <c>nas-backups</c>.</param>
/// <param name="Type"><c>local</c>: a directory on the node that runs the job.</param>
/// <param name="Path">For <c>local</c>: the absolute directory path.</param>
/// <param name="Prefix">A key prefix under which every bundle is written; may be empty.</param>
[GenerateSerializer, Immutable, Alias("backupd.storage.StorageProviderDefinition")]
public sealed record StorageProviderDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] string Type,
    [property: Id(2)] string? Path,
    [property: Id(3)] string Prefix);
