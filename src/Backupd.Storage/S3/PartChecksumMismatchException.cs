namespace Backupd.Storage;

/// <summary>The store's ETag for a part is not the MD5 of what was sent: the part arrived damaged.</summary>
internal sealed class PartChecksumMismatchException(int partNumber, string expectedMd5, string etag)
    : Exception($"the store's ETag {etag} for part {partNumber} is not the MD5 {expectedMd5} of the bytes sent; the part was damaged on the way.");
