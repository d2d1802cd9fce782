namespace Backupd.Bundles;

/// <summary>A regular file stored in a bundle, with the SHA-256 of the bytes stored for it.</summary>
/// <param name="EntryName">Path inside the bundle, forward slashes, no leading slash.</param>
/// <param name="Size">Bytes stored.</param>
/// <param name="Sha256Hex">Lower-case hex SHA-256 of those bytes.</param>
public sealed record BundleFileDigest(string EntryName, long Size, string Sha256Hex);
