using Backupd.Contracts.Jobs;

namespace Backupd.Grains.Jobs;

/// <summary>Stored state of a job.</summary>
[GenerateSerializer, Alias("backupd.jobs.JobRecord")]
public sealed class JobRecord
{
    [Id(0)] public JobSpec? Spec { get; set; }

    [Id(1)] public JobState State { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    [Id(3)] public DateTimeOffset? StartedAt { get; set; }

    [Id(4)] public DateTimeOffset? EndedAt { get; set; }

    [Id(5)] public int Attempts { get; set; }

    [Id(6)] public bool CancelRequested { get; set; }

    [Id(7)] public List<JobStageInfo> Stages { get; set; } = [];

    [Id(8)] public List<JobLogEntry> Log { get; set; } = [];

    [Id(9)] public JobResult? Result { get; set; }

    [Id(10)] public string? Error { get; set; }

    /// <summary>The node holding the lease while running.</summary>
    [Id(11)] public string? LeaseHolder { get; set; }

    [Id(12)] public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>Log lines dropped from the front to keep the log bounded.</summary>
    [Id(13)] public int LogLinesDropped { get; set; }

    /// <summary>When retention deleted the bundle.</summary>
    [Id(14)] public DateTimeOffset? PrunedAt { get; set; }

    /// <summary>Where the master placed the bundle of the current (or last) attempt, and its upload.</summary>
    [Id(15)] public BundleUploadRecord? Bundle { get; set; }

    /// <summary>Starts its node handed back unfinished (a node shutting down): not counted against maxAttempts.</summary>
    [Id(16)] public int ReleasedAttempts { get; set; }

    /// <summary>
    /// Placements of earlier attempts that no later one took over, whose leftovers in storage (an
    /// open multipart upload, an object never checked) the master still has to remove.
    /// </summary>
    [Id(17)] public List<BundleUploadRecord> AbandonedBundles { get; set; } = [];

    /// <summary>How the latest verify job of this job's bundle ended.</summary>
    [Id(18)] public BundleVerification? LastVerification { get; set; }

    /// <summary>The receipt of the latest test-restore of this job's bundle.</summary>
    [Id(19)] public RestoreReceipt? LastTestRestore { get; set; }

    /// <summary>For a restore that kept what it replaced: the undo or discard that ended that copy.</summary>
    [Id(20)] public KeptCopyEnd? KeptCopyEnded { get; set; }

    /// <summary>For a restore: when an attempt first completed its swap (what it replaced is kept from then on, unless removed).</summary>
    [Id(21)] public DateTimeOffset? SwappedAt { get; set; }
}
