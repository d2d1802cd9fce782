using System.Formats.Tar;
using System.Text;
using ZstdSharp;

namespace Backupd.Tests.Bundles;

/// <summary>Hand-made <c>.tar.zst</c> files, hostile ones included, built with TarWriter directly.</summary>
internal static class CraftedBundle
{
    public static async Task WriteAsync(string path, params TarEntry[] entries)
    {
        await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        // With a checksum in the frame, as a real bundle has, so that a changed byte is found wherever it lands.
        await using var zstd = new CompressionStream(output, level: 3, bufferSize: 0, leaveOpen: true);
        zstd.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        await using var tar = new TarWriter(zstd, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var entry in entries)
        {
            await tar.WriteEntryAsync(entry);
        }
    }

    public static PaxTarEntry File(string name, string content = "payload", UnixFileMode mode = (UnixFileMode)0b110_100_100) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)), Mode = mode };

    public static PaxTarEntry Directory(string name) =>
        new(TarEntryType.Directory, name) { Mode = (UnixFileMode)0b111_101_101 };

    public static PaxTarEntry Link(string name, string target) =>
        new(TarEntryType.SymbolicLink, name) { LinkName = target };

    public static PaxTarEntry Of(TarEntryType type, string name) => type switch
    {
        TarEntryType.HardLink => new PaxTarEntry(type, name) { LinkName = "/etc/shadow" },
        TarEntryType.CharacterDevice or TarEntryType.BlockDevice => new PaxTarEntry(type, name) { DeviceMajor = 1, DeviceMinor = 3 },
        _ => new PaxTarEntry(type, name),
    };
}
