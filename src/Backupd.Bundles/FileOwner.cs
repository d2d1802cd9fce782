namespace Backupd.Bundles;

/// <summary>A file's owner and group, by number, as the host's file system records them.</summary>
/// <param name="Uid">The owner's user ID.</param>
/// <param name="Gid">The group ID.</param>
public readonly record struct FileOwner(int Uid, int Gid);
