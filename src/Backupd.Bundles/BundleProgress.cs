namespace Backupd.Bundles;

/// <summary>How far <see cref="BundleWriter.AddTreeAsync"/> has got.</summary>
/// <param name="FilesDone">Regular files completely stored.</param>
/// <param name="BytesDone">Content bytes stored, including the part of the file in progress.</param>
/// <param name="CurrentPath">Entry name being stored, or null in the final report.</param>
public sealed record BundleProgress(long FilesDone, long BytesDone, string? CurrentPath);
