using Backupd.Contracts.Jobs;

namespace Backupd.Contracts.NodeApi;

/// <summary>Progress on a running job; renews its lease.</summary>
public sealed record JobReportRequest(int Attempt, JobProgressReport Report);

/// <summary>How a run ended.</summary>
public sealed record JobFinishRequest(int Attempt, JobOutcome Outcome);

/// <summary>The node hands a running job back unfinished (it is shutting down), with its last progress.</summary>
public sealed record JobReleaseRequest(int Attempt, string Reason, JobProgressReport Report)
{
    /// <summary>
    /// The node kept the attempt's finished work (its bundle) to resume from when the job comes
    /// back: the master then keeps the attempt's placement and unfinished upload for it.
    /// </summary>
    public bool KeptWork { get; init; }
}

/// <summary>Whether the node still holds the job.</summary>
public sealed record LeaseResponse(LeaseStatus Status);

/// <summary>Asks for the storage of a job the node runs now, in this attempt.</summary>
public sealed record JobStorageRequest(int Attempt, string ProviderId);

/// <summary>A PKCS #10 request (PEM) for the node's next certificate.</summary>
public sealed record CertificateRenewalRequest(string CertificateRequestPem);

/// <summary>What the node API's problem answers carry beyond title and detail.</summary>
public static class NodeApiProblems
{
    /// <summary>A boolean: the failure may pass by itself, so the step is worth trying again later.</summary>
    public const string Transient = "transient";
}

/// <summary>The events of the <see cref="NodeApiRoutes.Signals"/> stream.</summary>
public static class NodeSignals
{
    /// <summary>There is work in the node's queue; no data.</summary>
    public const string Work = "work";

    /// <summary>A job the node runs was cancelled; the data is the job id.</summary>
    public const string Cancel = "cancel";
}

/// <summary>Asks the master for the key of the job's bundle; <paramref name="Site"/> names the site in it (the master makes it key-safe).</summary>
public sealed record BundlePlacementRequest(int Attempt, string Site)
{
    /// <summary>
    /// The bundle's SHA-256: when an earlier attempt, handed back, placed the same bundle, the
    /// master gives the same place and the upload goes on where it stopped.
    /// </summary>
    public string? Sha256Hex { get; init; }
}

/// <summary>Where the job's bundle goes, chosen by the master: the only key the node may write or report.</summary>
/// <param name="Key">The key below the provider's prefix.</param>
/// <param name="FullKey">The key with the provider's prefix, as stored.</param>
public sealed record BundlePlacement(string Key, string FullKey);

/// <summary>One step of a node's upload of its bundle to its placement; each step fills in what it needs.</summary>
/// <param name="Attempt">The job's attempt.</param>
/// <param name="FullKey">The placement's full key.</param>
public sealed record BundleUploadRequest(int Attempt, string FullKey)
{
    /// <summary>The bundle's size in bytes (starting an upload, signing a whole PUT, checking).</summary>
    public long? Size { get; init; }

    /// <summary>The bundle's SHA-256, which the stored object's metadata carries (starting, signing a whole PUT, checking).</summary>
    public string? Sha256Hex { get; init; }

    /// <summary>For a multipart upload: its parts' size (the last may be smaller).</summary>
    public long? PartSize { get; init; }

    /// <summary>For a request on a multipart upload: its id, as the master started it.</summary>
    public string? UploadId { get; init; }

    /// <summary>For a part's URL: the part, from 1.</summary>
    public int? PartNumber { get; init; }

    /// <summary>For completing a multipart upload: each part's number and the ETag the store gave it.</summary>
    public IReadOnlyList<UploadedPart>? Parts { get; init; }

    /// <summary>For the check of the stored copy: the MD5s the node read from the file.</summary>
    public BundleChecksums? Checksums { get; init; }
}

/// <summary>A part the store accepted.</summary>
public sealed record UploadedPart(int Number, string ETag);

/// <summary>The MD5s a node read from a bundle while hashing it, which the store's ETag must match.</summary>
/// <param name="Md5Hex">The whole bundle's MD5.</param>
/// <param name="PartMd5Hex">Each part's MD5, in order; one for a single request.</param>
/// <param name="Multipart">Whether it was sent as a multipart upload.</param>
public sealed record BundleChecksums(string Md5Hex, IReadOnlyList<string> PartMd5Hex, bool Multipart);

/// <summary>A multipart upload the master started for the node, or one of an earlier attempt it goes on with.</summary>
public sealed record MultipartUploadStarted(string UploadId)
{
    /// <summary>The parts the store already holds (an upload an earlier attempt began); the node sends only the others.</summary>
    public IReadOnlyList<StoredPart> Stored { get; init; } = [];
}

/// <summary>A part the store holds for an unfinished multipart upload, as it lists it.</summary>
public sealed record StoredPart(int Number, long Size, string ETag);

/// <summary>
/// One request the master signed for the node: send it to <paramref name="Url"/> with
/// <paramref name="Method"/> and exactly <paramref name="Headers"/> (they are signed), before
/// <paramref name="ExpiresAt"/>. It is good for one object's key, and one part of one upload.
/// </summary>
public sealed record PresignedRequest(string Method, string Url, IReadOnlyDictionary<string, string> Headers, DateTimeOffset ExpiresAt)
{
    /// <summary>The URL carries a signature: keep it out of logs.</summary>
    public override string ToString() => $"PresignedRequest {{ Method = {Method}, ExpiresAt = {ExpiresAt:u} }}";
}
