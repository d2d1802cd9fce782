namespace Backupd.Contracts.Jobs;

/// <summary>The master's answer to a node reporting on a running job.</summary>
public enum LeaseStatus
{
    /// <summary>Carry on; the lease is renewed.</summary>
    Active,

    /// <summary>An admin cancelled the job: stop at the next checkpoint, clean up, report cancelled.</summary>
    CancelRequested,

    /// <summary>This node no longer holds the job (its lease lapsed, or the job ended): stop and report nothing more.</summary>
    Lost,
}
