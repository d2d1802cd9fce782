namespace Backupd.Tests.Bundles;

/// <summary>
/// A site-like tree with everything a bundle must carry: nested and empty directories, modes
/// 0600/0644/0755, fixed times, links to a file, to a directory and to nothing, a dot-file,
/// non-ASCII and over-100-byte names, an empty file and a 20 MiB random one.
/// </summary>
internal static class SampleTree
{
    public const string NonAsciiName = "Übersicht-café-日本.txt";

    // 5 + 140 + 4 = 149 bytes: over ustar's 100-byte name field, under Linux's 255-byte limit.
    public static readonly string LongName = "long-" + new string('n', 140) + ".txt";

    public static readonly DateTimeOffset BaseTime = new(2021, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode0644 = Mode0600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Mode0700 = Mode0600 | UnixFileMode.UserExecute;
    private const UnixFileMode Mode0750 = Mode0700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
    private const UnixFileMode Mode0755 = Mode0750 | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static void Create(string root)
    {
        var minute = 0;
        void WriteFile(string relative, byte[] content, UnixFileMode mode)
        {
            var path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);
            File.SetUnixFileMode(path, mode);
            File.SetLastWriteTimeUtc(path, BaseTime.AddMinutes(++minute).UtcDateTime);
        }

        Directory.CreateDirectory(root);
        WriteFile(".htaccess", "Deny from all\n"u8.ToArray(), Mode0644);
        WriteFile("nested/deeper/secret.txt", "only the owner\n"u8.ToArray(), Mode0600);
        WriteFile($"nested/deeper/{LongName}", "a long name\n"u8.ToArray(), Mode0644);
        WriteFile("nested/cache/fragment.tmp", "cached at depth\n"u8.ToArray(), Mode0644);
        WriteFile("scripts/run.sh", "#!/bin/sh\necho hello\n"u8.ToArray(), Mode0755);
        WriteFile(NonAsciiName, "grüße\n"u8.ToArray(), Mode0644);
        WriteFile("zero.bin", [], Mode0644);
        WriteFile("random.bin", RandomBytes(20 << 20), Mode0644);
        WriteFile("cache/page.html", "<html></html>\n"u8.ToArray(), Mode0644);
        WriteFile("logs/app.log", "a log line\n"u8.ToArray(), Mode0644);
        WriteFile("logs/keep.txt", "not a log\n"u8.ToArray(), Mode0644);
        WriteFile("uploads/big/huge.bin", RandomBytes(1000), Mode0644);
        WriteFile("uploads/big/inner/more.bin", RandomBytes(1000), Mode0644);
        WriteFile("uploads/small.jpg", RandomBytes(1000), Mode0644);
        Directory.CreateDirectory(Path.Combine(root, "empty-dir"));
        File.CreateSymbolicLink(Path.Combine(root, "link-to-file"), "scripts/run.sh");
        File.CreateSymbolicLink(Path.Combine(root, "link-to-dir"), "nested");
        File.CreateSymbolicLink(Path.Combine(root, "dangling-link"), "does-not-exist.txt");

        // Directories last and deepest first: creating anything inside one changes its time.
        var directories = Directory.GetDirectories(root, "*", SearchOption.AllDirectories)
            .Where(d => new DirectoryInfo(d).LinkTarget is null)
            .OrderByDescending(d => d.Length)
            .Append(root);
        foreach (var directory in directories)
        {
            File.SetUnixFileMode(directory, directory.EndsWith("empty-dir", StringComparison.Ordinal) ? Mode0700
                : directory.EndsWith("deeper", StringComparison.Ordinal) ? Mode0750 : Mode0755);
            Directory.SetLastWriteTimeUtc(directory, BaseTime.AddHours(1).AddMinutes(++minute).UtcDateTime);
        }
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }
}
