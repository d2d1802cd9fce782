namespace Backupd.Storage;

/// <summary>A multipart upload a store holds open: its parts cost storage until it is completed or aborted.</summary>
/// <param name="Key">The object's full key.</param>
/// <param name="UploadId">The upload's id.</param>
/// <param name="Initiated">When it was started.</param>
public sealed record UnfinishedUpload(string Key, string UploadId, DateTimeOffset Initiated);
