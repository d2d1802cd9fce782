using Backupd.Contracts.Jobs;

namespace Backupd.Contracts.NodeApi;

/// <summary>Progress on a running job; renews its lease.</summary>
public sealed record JobReportRequest(int Attempt, JobProgressReport Report);

/// <summary>How a run ended.</summary>
public sealed record JobFinishRequest(int Attempt, JobOutcome Outcome);

/// <summary>Whether the node still holds the job.</summary>
public sealed record LeaseResponse(LeaseStatus Status);

/// <summary>Asks for the storage of a job the node runs now, in this attempt.</summary>
public sealed record JobStorageRequest(int Attempt, string ProviderId);

/// <summary>A PKCS #10 request (PEM) for the node's next certificate.</summary>
public sealed record CertificateRenewalRequest(string CertificateRequestPem);

/// <summary>The events of the <see cref="NodeApiRoutes.Signals"/> stream.</summary>
public static class NodeSignals
{
    /// <summary>There is work in the node's queue; no data.</summary>
    public const string Work = "work";

    /// <summary>A job the node runs was cancelled; the data is the job id.</summary>
    public const string Cancel = "cancel";
}
