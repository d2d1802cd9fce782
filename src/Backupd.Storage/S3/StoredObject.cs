namespace Backupd.Storage;

/// <summary>An object found in storage.</summary>
/// <param name="Key">Its full key, as <see cref="Modules.Storage.IBundleStorage.DeleteAsync"/> takes it.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="LastModified">When it was last written.</param>
public sealed record StoredObject(string Key, long Size, DateTimeOffset LastModified);
