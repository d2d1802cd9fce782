using System.Formats.Tar;

namespace Backupd.Bundles;

/// <summary>One entry of a bundle as <see cref="BundleReader.ReadEntriesAsync"/> finds it.</summary>
/// <param name="Name">Path in the bundle, without the trailing slash tar gives directories.</param>
/// <param name="Type">File, directory, symbolic link, or whatever else a foreign tar holds.</param>
/// <param name="Size">Content bytes (0 for anything but regular files).</param>
/// <param name="Mode">Permission bits as stored.</param>
/// <param name="ModificationTime">Modification time as stored.</param>
/// <param name="LinkTarget">Target of a symbolic or hard link, else null.</param>
/// <param name="Sha256Hex">Lower-case hex SHA-256 of a regular file's content, computed while reading; else null.</param>
public sealed record BundleEntry(
    string Name, TarEntryType Type, long Size, UnixFileMode Mode, DateTimeOffset ModificationTime, string? LinkTarget, string? Sha256Hex);
