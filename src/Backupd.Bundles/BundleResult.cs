namespace Backupd.Bundles;

/// <summary>A finished bundle.</summary>
/// <param name="CompressedBytes">Size of the <c>.tar.zst</c> written to the output.</param>
/// <param name="Sha256Hex">Lower-case hex SHA-256 of exactly those bytes.</param>
/// <param name="UncompressedBytes">Size of the tar inside.</param>
/// <param name="Files">Every regular file stored, in the order written.</param>
public sealed record BundleResult(long CompressedBytes, string Sha256Hex, long UncompressedBytes, IReadOnlyList<BundleFileDigest> Files);
