using System.Formats.Tar;

namespace Backupd.Bundles;

/// <summary>
/// The PAX entries a bundle is made of. PAX because its extended header carries names over 100
/// bytes, any UTF-8, sizes over 8 GiB and sub-second times, and GNU tar and bsdtar both read it.
/// </summary>
internal static class BundleTarEntries
{
    public static PaxTarEntry RegularFile(string entryName, LinuxFileStatus status, Stream content) =>
        WithStatus(new PaxTarEntry(TarEntryType.RegularFile, entryName) { DataStream = content }, status);

    // The trailing slash is how tar itself names directories; some readers rely on it.
    public static PaxTarEntry Directory(string entryName, LinuxFileStatus status) =>
        WithStatus(new PaxTarEntry(TarEntryType.Directory, entryName + "/"), status);

    public static PaxTarEntry SymbolicLink(string entryName, string target, LinuxFileStatus status) =>
        WithStatus(new PaxTarEntry(TarEntryType.SymbolicLink, entryName) { LinkName = target }, status);

    private static PaxTarEntry WithStatus(PaxTarEntry entry, LinuxFileStatus status)
    {
        entry.Mode = status.Mode;
        entry.ModificationTime = status.ModificationTime;
        entry.Uid = status.Uid;
        entry.Gid = status.Gid;
        return entry;
    }
}
