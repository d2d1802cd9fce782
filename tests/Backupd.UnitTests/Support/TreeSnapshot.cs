using System.IO.Enumeration;
using System.Security.Cryptography;
using Backupd.Bundles;

namespace Backupd.Tests.Bundles;

/// <summary>One path of a tree as a test compares it: type, mode, time to the second, link target, content hash.</summary>
internal sealed record SnapshotEntry(string Path, LinuxFileKind Kind, UnixFileMode? Mode, long? ModifiedSeconds, string? LinkTarget, string? Sha256Hex);

/// <summary>Reads a tree (without following links) into a sorted list that xunit can diff.</summary>
internal static class TreeSnapshot
{
    /// <param name="linkMetadata">Whether to include the mode and time of links (tar restores them, <see cref="BundleReader"/> does not).</param>
    public static List<SnapshotEntry> Of(string root, bool linkMetadata)
    {
        var entries = new List<SnapshotEntry>();
        Add(root, "", linkMetadata, entries);
        return entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
    }

    public static string Sha256Hex(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    private static void Add(string path, string relative, bool linkMetadata, List<SnapshotEntry> entries)
    {
        var status = LinuxFileStatus.Of(path, followSymlinks: false);
        var isLink = status.Kind == LinuxFileKind.SymbolicLink;
        entries.Add(new SnapshotEntry(
            relative,
            status.Kind,
            isLink && !linkMetadata ? null : status.Mode,
            isLink && !linkMetadata ? null : status.ModificationTime.ToUnixTimeSeconds(),
            isLink ? new FileInfo(path).LinkTarget : null,
            status.Kind == LinuxFileKind.RegularFile ? Sha256Hex(path) : null));
        if (status.Kind != LinuxFileKind.Directory)
        {
            return;
        }

        var options = new EnumerationOptions { AttributesToSkip = 0 };
        foreach (var name in new FileSystemEnumerable<string>(path, (ref entry) => entry.FileName.ToString(), options))
        {
            Add(Path.Combine(path, name), relative.Length == 0 ? name : $"{relative}/{name}", linkMetadata, entries);
        }
    }
}
