namespace Backupd.Contracts.NodeApi;

/// <summary>
/// The node API: what a node may ask of the master, over HTTPS with its certificate. The master
/// serves these routes on <c>BACKUPD_NODE_URLS</c> only, and nothing else there.
/// </summary>
public static class NodeApiRoutes
{
    /// <summary>Every route starts with this.</summary>
    public const string Prefix = "/node/v1";

    /// <summary><c>POST</c> the node's <see cref="Nodes.NodeCapabilities"/>: it is alive.</summary>
    public const string Heartbeat = Prefix + "/heartbeat";

    /// <summary><c>POST</c>: take the next job (200 with a <see cref="Jobs.JobAssignment"/>, 204 when there is none).</summary>
    public const string NextJob = Prefix + "/jobs/next";

    /// <summary><c>GET</c>: a server-sent event stream of <see cref="NodeSignals"/>.</summary>
    public const string Signals = Prefix + "/signals";

    /// <summary><c>POST</c> a <see cref="CertificateRenewalRequest"/>: a new certificate for a new key.</summary>
    public const string Certificate = Prefix + "/certificate";

    /// <summary><c>POST</c> a <see cref="JobReportRequest"/>; answers a <see cref="LeaseResponse"/>.</summary>
    public static string Report(string jobId) => $"{Prefix}/jobs/{Uri.EscapeDataString(jobId)}/report";

    /// <summary><c>POST</c> a <see cref="JobFinishRequest"/>; answers a <see cref="LeaseResponse"/>.</summary>
    public static string Finish(string jobId) => $"{Prefix}/jobs/{Uri.EscapeDataString(jobId)}/finish";

    /// <summary><c>POST</c> a <see cref="JobReleaseRequest"/>: the node stops running the job unfinished; answers a <see cref="LeaseResponse"/>.</summary>
    public static string Release(string jobId) => $"{Prefix}/jobs/{Uri.EscapeDataString(jobId)}/release";

    /// <summary><c>POST</c> a <see cref="JobStorageRequest"/>; answers the job's <see cref="Storage.StorageTargetSettings"/>.</summary>
    public static string Storage(string jobId) => $"{Prefix}/jobs/{Uri.EscapeDataString(jobId)}/storage";

    /// <summary><c>POST</c> a <see cref="BundlePlacementRequest"/>; answers the job's <see cref="BundlePlacement"/>.</summary>
    public static string Bundle(string jobId) => $"{Prefix}/jobs/{Uri.EscapeDataString(jobId)}/bundle";

    /// <summary><c>POST</c> a <see cref="BundleUploadRequest"/> with a part size; the master starts a multipart upload (<see cref="MultipartUploadStarted"/>).</summary>
    public static string BundleMultipart(string jobId) => Bundle(jobId) + "/multipart";

    /// <summary><c>POST</c> a <see cref="BundleUploadRequest"/>; answers a <see cref="PresignedRequest"/> for the whole bundle, or for one part.</summary>
    public static string BundleUrl(string jobId) => Bundle(jobId) + "/url";

    /// <summary><c>POST</c> a <see cref="BundleUploadRequest"/> with the parts; the master completes the multipart upload.</summary>
    public static string BundleComplete(string jobId) => Bundle(jobId) + "/complete";

    /// <summary><c>POST</c> a <see cref="BundleUploadRequest"/> with the upload id; the master aborts the multipart upload.</summary>
    public static string BundleAbort(string jobId) => Bundle(jobId) + "/abort";

    /// <summary>
    /// <c>POST</c> a <see cref="BundleUploadRequest"/> naming the bundle a verify or restore job
    /// reads; answers a <see cref="PresignedRequest"/> (a GET of that one object), 403 for any other.
    /// </summary>
    public static string BundleRead(string jobId) => Bundle(jobId) + "/read";

    /// <summary><c>POST</c> a <see cref="BundleUploadRequest"/> with the checksums; the master checks the stored copy (422 and the reason when it is not the bundle).</summary>
    public static string BundleVerify(string jobId) => Bundle(jobId) + "/verify";
}
