namespace Backupd.Grains.Jobs;

/// <summary>
/// Where the master placed a job's bundle in one attempt, and how far the node's upload there has
/// come as the master saw it: the only key the node may write or report, the size and SHA-256 it
/// declared before sending, the multipart upload the master started, and whether the master
/// completed it and checked the stored copy.
/// </summary>
[GenerateSerializer, Immutable, Alias("backupd.jobs.BundleUploadRecord")]
public sealed record BundleUploadRecord
{
    [Id(0)] public int Attempt { get; init; }

    /// <summary>The key below the provider's prefix.</summary>
    [Id(1)] public string Key { get; init; } = string.Empty;

    /// <summary>The key as stored, with the provider's prefix.</summary>
    [Id(2)] public string FullKey { get; init; } = string.Empty;

    [Id(3)] public long? Size { get; init; }

    [Id(4)] public string? Sha256Hex { get; init; }

    [Id(5)] public long? PartSize { get; init; }

    [Id(6)] public string? UploadId { get; init; }

    [Id(7)] public bool Completed { get; init; }

    /// <summary>The master found the stored copy to have the declared size and SHA-256.</summary>
    [Id(8)] public bool Verified { get; init; }

    /// <summary>
    /// The node handed the attempt back keeping its bundle: the next attempt that places the same
    /// bundle gets this key and goes on with this upload, which is left open for it.
    /// </summary>
    [Id(9)] public bool KeptForNextAttempt { get; init; }

    /// <summary>The number of parts of the multipart upload.</summary>
    public int PartCount => Size is { } size && PartSize is { } part && part > 0 ? (int)Math.Max(1, (size + part - 1) / part) : 0;
}

/// <summary>What a node asks to do next with its bundle upload, for the job grain to allow or refuse.</summary>
[GenerateSerializer, Immutable, Alias("backupd.jobs.BundleUploadStep")]
public sealed record BundleUploadStep(
    [property: Id(0)] BundleUploadAction Action,
    [property: Id(1)] string FullKey,
    [property: Id(2)] long? Size = null,
    [property: Id(3)] string? Sha256Hex = null,
    [property: Id(4)] long? PartSize = null,
    [property: Id(5)] string? UploadId = null,
    [property: Id(6)] int? PartNumber = null);

/// <summary>The steps of a node's upload to an S3 provider.</summary>
public enum BundleUploadAction
{
    /// <summary>The master starts a multipart upload.</summary>
    StartMultipart,

    /// <summary>The master signs a PUT of the whole bundle.</summary>
    SignPut,

    /// <summary>The master signs a PUT of one part.</summary>
    SignPart,

    /// <summary>The master completes the multipart upload.</summary>
    Complete,

    /// <summary>The master aborts the multipart upload.</summary>
    Abort,

    /// <summary>The master checks the stored copy.</summary>
    Verify,
}

/// <summary>What the master did for the upload, to be recorded.</summary>
[GenerateSerializer, Immutable, Alias("backupd.jobs.BundleUploadChange")]
public sealed record BundleUploadChange(
    [property: Id(0)] BundleUploadAction Action,
    [property: Id(1)] string? UploadId = null);
