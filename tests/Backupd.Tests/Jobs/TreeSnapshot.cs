using System.Security.Cryptography;

namespace Backupd.Tests.Jobs;

/// <summary>Everything a restore must bring back of a directory tree: paths, types, modes, times, contents and link targets.</summary>
public static class TreeSnapshot
{
    public sealed record Entry(string Kind, UnixFileMode Mode, long ModifiedUnixSeconds, string? Sha256, string? LinkTarget);

    public static SortedDictionary<string, Entry> Take(string root)
    {
        var entries = new SortedDictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var info = new FileInfo(path);
            var relative = Path.GetRelativePath(root, path);
            var modified = new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeSeconds();
            if (info.LinkTarget is { } target)
            {
                entries[relative] = new Entry("symlink", 0, 0, null, target);
            }
            else if (Directory.Exists(path))
            {
                entries[relative] = new Entry("dir", File.GetUnixFileMode(path), 0, null, null);
            }
            else
            {
                using var stream = File.OpenRead(path);
                entries[relative] = new Entry("file", File.GetUnixFileMode(path), modified, Convert.ToHexStringLower(SHA256.HashData(stream)), null);
            }
        }

        return entries;
    }

    /// <summary>The differences, one per line; empty when the trees are alike.</summary>
    public static List<string> Compare(SortedDictionary<string, Entry> expected, SortedDictionary<string, Entry> actual)
    {
        var differences = new List<string>();
        foreach (var (path, entry) in expected)
        {
            if (!actual.TryGetValue(path, out var other))
            {
                differences.Add($"missing: {path}");
            }
            else if (entry != other)
            {
                differences.Add($"differs: {path}: expected {entry}, got {other}");
            }
        }

        differences.AddRange(actual.Keys.Where(path => !expected.ContainsKey(path)).Select(path => $"unexpected: {path}"));
        return differences;
    }
}
