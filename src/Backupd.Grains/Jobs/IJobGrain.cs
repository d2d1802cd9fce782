using Backupd.Contracts.Jobs;
using Backupd.Grains.Indexing;
using Backupd.Grains.Secrets;
namespace Backupd.Grains.Jobs;

/// <summary>One job, keyed by job id. Reached only inside the master: nodes go through their session.</summary>
[Alias("backupd.jobs.IJobGrain")]
public interface IJobGrain : IIndexedGrain, Secrets.ISecretHolder
{
    /// <summary>Records a new pending job and queues it on its node.</summary>
    [Alias("Create")]
    Task<JobDetails> CreateAsync(JobSpec spec, IReadOnlyList<string> stages);

    /// <summary>The job with secret config values masked; null when no such job exists.</summary>
    [Alias("Get")]
    Task<JobDetails?> GetAsync();

    /// <summary>Cancels a pending job at once, or asks the node to stop a running one; null when no such job exists.</summary>
    [Alias("Cancel")]
    Task<JobDetails?> CancelAsync();

    /// <summary>Starts the job on <paramref name="nodeId"/> under a new lease; null when it is no longer pending there.</summary>
    [Alias("Start")]
    Task<JobAssignment?> StartAsync(string nodeId);

    /// <summary>Records a node's progress and renews its lease.</summary>
    [Alias("Report")]
    Task<LeaseStatus> ReportAsync(string nodeId, int attempt, JobProgressReport report);

    /// <summary>
    /// The node stops running the job unfinished (it is shutting down): the job goes back to its
    /// queue at once, and this start does not count against its <c>maxAttempts</c> (up to a
    /// bound, so a node cannot keep a job from ever failing). A job being cancelled ends cancelled.
    /// With <paramref name="keptWork"/>, the node kept the attempt's bundle to resume from: the
    /// placement and its unfinished upload are kept for the job's next attempt.
    /// </summary>
    [Alias("Release")]
    Task<LeaseStatus> ReleaseAsync(string nodeId, int attempt, string reason, JobProgressReport report, bool keptWork);

    /// <summary>Records how the run ended.</summary>
    [Alias("Finish")]
    Task<LeaseStatus> FinishAsync(string nodeId, int attempt, JobOutcome outcome);

    /// <summary>
    /// Whether <paramref name="nodeId"/> may have the settings of <paramref name="providerId"/>:
    /// only while it runs attempt <paramref name="attempt"/> of this job and the job uses that provider.
    /// </summary>
    [Alias("MayReleaseStorage")]
    Task<bool> MayReleaseStorageAsync(string nodeId, int attempt, string providerId);

    /// <summary>
    /// Makes the key of the bundle of attempt <paramref name="attempt"/> (the node names the
    /// site; the rest is the master's) and records it; the same again when asked again. A bundle
    /// (by its <paramref name="sha256Hex"/>) that an earlier attempt placed and the node kept gets
    /// the earlier key and upload. Null when <paramref name="nodeId"/> does not hold that attempt.
    /// </summary>
    [Alias("PlaceBundle")]
    Task<BundleUploadRecord?> PlaceBundleAsync(string nodeId, int attempt, string site, string? sha256Hex);

    /// <summary>
    /// Allows a step of the node's upload to its placement, recording what it declares; null when
    /// the node does not hold the attempt or the key is not the placement's.
    /// </summary>
    /// <exception cref="ArgumentException">The step contradicts the upload so far (another upload id, a part out of range, another size).</exception>
    [Alias("AuthorizeUpload")]
    Task<BundleUploadRecord?> AuthorizeUploadAsync(string nodeId, int attempt, BundleUploadStep step);

    /// <summary>
    /// Whether <paramref name="nodeId"/> may read <paramref name="fullKey"/> for attempt
    /// <paramref name="attempt"/>: it holds the lease of this job, a job of a module that reads a
    /// bundle (verify, restore), made for exactly that key.
    /// </summary>
    [Alias("AuthorizeRead")]
    Task<bool> AuthorizeReadAsync(string nodeId, int attempt, string fullKey);

    /// <summary>Records what the master did for the upload; returns the id of a multipart upload a new one replaced, for aborting.</summary>
    [Alias("RecordUpload")]
    Task<string?> RecordUploadAsync(string nodeId, int attempt, BundleUploadChange change);

    /// <summary>Records how a verify job of this job's bundle ended; an older one than the one recorded is ignored.</summary>
    [Alias("RecordVerification")]
    Task RecordVerificationAsync(BundleVerification verification);

    /// <summary>Records the receipt of a test-restore of this job's bundle (and passes it to the job's schedule); an older one than the one recorded is ignored.</summary>
    [Alias("RecordTestRestore")]
    Task RecordTestRestoreAsync(RestoreReceipt receipt);

    /// <summary>
    /// Records that the copy this restore kept of what it replaced was undone or discarded by another
    /// job, which ran on <paramref name="nodeId"/> at <paramref name="sitePath"/>: ignored unless those are this restore's.
    /// </summary>
    [Alias("RecordKeptCopyEnded")]
    Task RecordKeptCopyEndedAsync(KeptCopyEnd ended, string nodeId, string? sitePath);

    /// <summary>Records that retention deleted this job's bundle.</summary>
    [Alias("MarkPruned")]
    Task MarkPrunedAsync();

    /// <summary>
    /// Removes the job's record (its state and its index row) when it ended before
    /// <paramref name="endedBefore"/> and holds no stored bundle; returns whether it did.
    /// </summary>
    [Alias("Forget")]
    Task<bool> ForgetAsync(DateTimeOffset endedBefore);
}
